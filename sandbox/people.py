"""People the sandbox serves: a mutable Person record and a deterministic, realistic generator."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from unidecode import unidecode

from sandbox.pools import DEPARTMENTS, JOB_TITLES, LANGUAGES, LOCALE_WEIGHTS, OFFICES, LocalePool, all_pools

# Personio's vocabulary; BambooHR derives Active/Inactive from it (future hires are Inactive there).
STATUSES = ("active", "inactive", "onboarding", "leave")

# A fixed origin for generated change timestamps, so that generation never reads the clock.
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

# Counts every write to any Person, so rendering caches notice records edited in place.
_mutations = 0


@dataclass(slots=True)
class Person:
    """One employee as the sandbox stores it; each provider blueprint renders it in its own wire format."""

    id: str
    first_name: str
    last_name: str
    middle_name: str | None = None
    preferred_name: str | None = None
    employee_number: str | None = None
    work_email: str | None = None
    home_email: str | None = None
    gender: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zipcode: str | None = None
    country: str | None = None
    date_of_birth: dt.date | None = None
    nationality: str | None = None
    phone: str | None = None
    hire_date: dt.date | None = None
    termination_date: dt.date | None = None
    status: str = "active"
    employment_type: str = "Full-Time"
    department: str | None = None
    job_title: str | None = None
    office: str | None = None
    tax_id: str | None = None
    academic_title: str | None = None
    languages: tuple[str, ...] = ()
    locale: str = "en_US"
    created_at: dt.datetime = EPOCH
    updated_at: dt.datetime = EPOCH
    changed_fields: tuple[str, ...] = field(default=())

    def __setattr__(self, name: str, value: Any) -> None:
        global _mutations
        object.__setattr__(self, name, value)
        _mutations += 1

    @staticmethod
    def mutations() -> int:
        return _mutations

    @property
    def terminated(self) -> bool:
        return self.status == "inactive" and self.termination_date is not None

    def to_json(self) -> dict[str, Any]:
        """The control API's view: every field, dates as ISO strings."""
        data = dataclasses.asdict(self)
        for key, value in data.items():
            if isinstance(value, (dt.date, dt.datetime)):
                data[key] = value.isoformat()
            elif isinstance(value, tuple):
                data[key] = list(value)
        return data


# Fields a caller may set (the bookkeeping ones are the sandbox's own).
EDITABLE_FIELDS = frozenset(f.name for f in dataclasses.fields(Person)) - {
    "id", "created_at", "updated_at", "changed_fields"}
DATE_FIELDS = frozenset({"date_of_birth", "hire_date", "termination_date"})


def coerce_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate field names and values from callers (Python or JSON); raises ValueError on nonsense."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"unknown person fields: {', '.join(sorted(unknown))}")
    out = dict(changes)
    for name in DATE_FIELDS & set(out):
        if isinstance(out[name], str):
            out[name] = dt.date.fromisoformat(out[name]) if out[name] else None
        elif out[name] is not None and not isinstance(out[name], dt.date):
            raise ValueError(f"{name} must be an ISO date")
    for name, value in out.items():
        if name not in DATE_FIELDS and name != "languages" and not isinstance(value, (str, type(None))):
            raise ValueError(f"{name} must be text")
    if "status" in out and out["status"] not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if "languages" in out:
        languages = out["languages"] or ()
        if isinstance(languages, str) or not all(isinstance(item, str) for item in languages):
            raise ValueError("languages must be a list of names")
        out["languages"] = tuple(languages)
    return out


def generate_people(n: int, seed: int, *, today: dt.date | None = None, first_id: int = 1,
                    email_domain: str = "example.com") -> list[Person]:
    """`n` realistic people; the same (n, seed, today, first_id) always gives the same people."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    pools = all_pools()
    people: list[Person] = []
    for index in range(n):
        pool = rng.choices(pools, weights=LOCALE_WEIGHTS)[0]
        person = _person(rng, pool, str(first_id + index), index, today)
        if index > 10 and rng.random() < 0.015:
            twin = people[rng.randrange(len(people))]
            person.first_name, person.last_name = twin.first_name, twin.last_name
        people.append(person)
    _assign_emails(people, rng, email_domain)
    return people


def _person(rng: random.Random, pool: LocalePool, person_id: str, index: int, today: dt.date) -> Person:
    gender = rng.choice(("female", "male"))
    firsts = pool.female_first if gender == "female" else pool.male_first
    first = rng.choice(firsts)
    created = EPOCH + dt.timedelta(minutes=index)
    person = Person(
        id=person_id, first_name=first, last_name=_last_name(rng, pool), gender=gender,
        middle_name=rng.choice(firsts) if rng.random() < 0.1 else None,
        preferred_name=_preferred(rng, first),
        employee_number=f"E{index + 1:05d}" if rng.random() < 0.95 else None,
        address1=rng.choice(pool.streets),
        address2=rng.choice(("c/o Weber", "Apt 4", "2. OG", "Bâtiment B")) if rng.random() < 0.1 else None,
        city=rng.choice(pool.cities), zipcode=rng.choice(pool.postcodes),
        state=rng.choice(pool.states) if pool.states else None, country=pool.country,
        date_of_birth=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000)),
        nationality=pool.nationality, phone=rng.choice(pool.phones),
        employment_type=rng.choice(("Full-Time", "Full-Time", "Full-Time", "Part-Time")),
        department=rng.choice(DEPARTMENTS), job_title=rng.choice(JOB_TITLES), office=rng.choice(OFFICES),
        tax_id=f"{rng.randrange(10**10, 10**11)}" if rng.random() < 0.7 else None,
        academic_title="Dr." if rng.random() < 0.05 else None,
        languages=tuple(sorted(rng.sample(LANGUAGES, rng.randint(0, 2)))),
        locale=pool.locale, created_at=created, updated_at=created,
    )
    _employment(rng, person, today)
    return person


def _last_name(rng: random.Random, pool: LocalePool) -> str:
    last = rng.choice(pool.last)
    if pool.locale == "es_ES" and rng.random() < 0.8:
        return f"{last} {rng.choice(pool.last)}"  # Spanish people carry both surnames
    if pool.locale.startswith("de_") and rng.random() < 0.08:
        return f"{last}-{rng.choice(pool.last)}"
    if pool.locale == "fr_FR" and rng.random() < 0.05:
        return f"de {last}"
    return last


def _preferred(rng: random.Random, first: str) -> str | None:
    if rng.random() >= 0.08 or len(first) < 5:
        return None
    return first[:3] if rng.random() < 0.5 else first[:4]


def _employment(rng: random.Random, person: Person, today: dt.date) -> None:
    """Hire/termination dates and status: most active, some leavers, future hires, on leave, undated."""
    roll = rng.random()
    hired = today - dt.timedelta(days=rng.randrange(60, 15 * 365))
    person.hire_date = hired
    if roll < 0.08:
        person.status = "inactive"
        person.termination_date = hired + dt.timedelta(days=rng.randrange(30, max(31, (today - hired).days)))
    elif roll < 0.11:
        person.status = "onboarding"
        person.hire_date = today + dt.timedelta(days=rng.randrange(7, 120))
    elif roll < 0.13:
        person.status = "leave"
    elif roll < 0.17:
        person.hire_date = None


def _assign_emails(people: list[Person], rng: random.Random, domain: str) -> None:
    seen: dict[str, int] = {}
    for person in people:
        local = _ascii_local(f"{person.first_name}.{person.last_name}")
        seen[local] = seen.get(local, 0) + 1
        if seen[local] > 1:
            local = f"{local}{seen[local]}"
        roll = rng.random()
        person.work_email = None if roll < 0.05 else f"{local}@{domain}"
        if roll < 0.05 or roll > 0.7:
            person.home_email = f"{_ascii_local(person.first_name)}{rng.randrange(1, 999)}@mail.example"


def _ascii_local(text: str) -> str:
    return "".join(ch for ch in unidecode(text).lower().replace(" ", "-") if ch.isalnum() or ch in ".-")
