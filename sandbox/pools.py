"""Per-locale pools of realistic names and addresses, drawn once from Faker so that 50k people stay cheap."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

POOL_SIZE = 250
# Pools are drawn once with a fixed seed; a person's seed picks from them (Faker set-up is the slow part).
POOL_SEED = 20240101

# (Faker locale, weight, country name as BambooHR spells it, nationality)
LOCALES: tuple[tuple[str, int, str, str], ...] = (
    ("de_DE", 35, "Germany", "German"),
    ("de_CH", 15, "Switzerland", "Swiss"),
    ("fr_FR", 15, "France", "French"),
    ("es_ES", 15, "Spain", "Spanish"),
    ("en_US", 20, "United States", "American"),
)


@dataclass(frozen=True, slots=True)
class LocalePool:
    """What one locale contributes: names, addresses and the country facts."""

    locale: str
    country: str
    nationality: str
    female_first: tuple[str, ...]
    male_first: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]
    phones: tuple[str, ...]
    states: tuple[str, ...]


def _draw(faker: Faker, method: str) -> tuple[str, ...]:
    return tuple(getattr(faker, method)() for _ in range(POOL_SIZE))


def _states(faker: Faker, locale: str) -> tuple[str, ...]:
    # BambooHR's `state` is the full state name; only the US record carries one in our data.
    return _draw(faker, "state") if locale == "en_US" else ()


@lru_cache(maxsize=None)
def locale_pool(locale: str) -> LocalePool:
    """The pool for one locale (cached for the life of the process)."""
    country, nationality = next((c, n) for loc, _, c, n in LOCALES if loc == locale)
    faker = Faker(locale)
    faker.seed_instance(POOL_SEED)
    return LocalePool(
        locale=locale,
        country=country,
        nationality=nationality,
        female_first=_draw(faker, "first_name_female"),
        male_first=_draw(faker, "first_name_male"),
        last=_draw(faker, "last_name"),
        streets=_draw(faker, "street_address"),
        cities=_draw(faker, "city"),
        postcodes=_draw(faker, "postcode"),
        phones=_draw(faker, "phone_number"),
        states=_states(faker, locale),
    )


def all_pools() -> tuple[LocalePool, ...]:
    return tuple(locale_pool(locale) for locale, *_ in LOCALES)


LOCALE_WEIGHTS: tuple[int, ...] = tuple(weight for _, weight, _, _ in LOCALES)

DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Finance", "People", "Customer Support", "Operations")
JOB_TITLES = ("Software Engineer", "Account Executive", "Product Manager", "Controller", "HR Business Partner",
              "Support Specialist", "Designer", "Data Analyst", "Office Manager", "Head of Sales")
OFFICES = ("Berlin", "München", "Zürich", "Paris", "Madrid", "New York", "Remote")
LANGUAGES = ("English", "Deutsch", "Français", "Español", "Italiano")
