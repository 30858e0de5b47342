"""Benchmark of domain.matching.match: N employees against N stakeholders, seconds and peak memory.

Run `python bench/matching.py [--scenario NAME] [SIZES…]` or `python -m bench.matching`. Data comes
from Faker (de_DE, de_CH, fr_FR, es_ES, en_US; seeded) and is generated before the clock starts.
10% of employees have changed fields, 2% are new hires, 1% are leavers, 1% have a name variant or
typo, and 2% of stakeholders are not employees. The registry is, by scenario: `mid-life`
(default) 60% of stakeholders linked, 25% unlinked but carrying the employee number, 15%
hand-made (name only); `first-sync` the same without any link; `steady` 95% linked.
Time is the wall clock (and process time) of one `match` call, best of three; memory is
tracemalloc's peak during one more call (Python allocations, not RSS).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import random
import sys
import time
import tracemalloc

from faker import Faker

try:
    from bench import _common as common
except ModuleNotFoundError:  # run as a script (`python bench/matching.py`): bench/ itself is on the path
    import _common as common
from domain.employee import MAPPABLE_FIELDS, Employee, EmploymentStatus
from domain.matching import match
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder

LOCALES = ("de_DE", "de_CH", "fr_FR", "es_ES", "en_US")
SIZES = (10_000, 50_000, 100_000)
REPEAT = 3
POLICY = SyncPolicy(provider="bamboohr", owned_fields=frozenset(MAPPABLE_FIELDS), require_hire_date=True)


@dataclasses.dataclass(frozen=True)
class Pools:
    """Faker output drawn once per locale; people are assembled from it quickly and reproducibly."""

    people: dict[str, dict[str, list[str]]]

    @classmethod
    def draw(cls, seed: int, size: int = 3000) -> "Pools":
        people = {}
        for number, locale in enumerate(LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed + number)
            people[locale] = {
                "first": [fake.first_name() for _ in range(size)],
                "last": [fake.last_name() for _ in range(size)],
                "street": [fake.street_address() for _ in range(size)],
                "postal_code": [fake.postcode() for _ in range(size)],
                "city": [fake.city() for _ in range(size)],
                "phone": [fake.phone_number() for _ in range(size)],
            }
        return cls(people)


def _person(rng: random.Random, pools: Pools, number: int) -> Employee:
    locale = rng.choice(LOCALES)
    pool = pools.people[locale]
    first, last = rng.choice(pool["first"]), rng.choice(pool["last"])
    return Employee(
        remote_id=str(number), unique_identifier=f"E{number:07d}", first_name=first, last_name=last,
        email=f"{first}.{last}.{number}@example.com".lower().replace(" ", ""),
        street=rng.choice(pool["street"]), postal_code=rng.choice(pool["postal_code"]),
        city=rng.choice(pool["city"]), country=locale[-2:], phone=rng.choice(pool["phone"]),
        birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)),
        hire_date=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000)),
        status=EmploymentStatus.ACTIVE)


def _typo(rng: random.Random, text: str) -> str:
    at = rng.randrange(1, max(2, len(text)))
    return text[:at] + text[at + 1:] if len(text) > 3 else text + "a"


# Scenario → (share of stakeholders linked, share unlinked but carrying the employee number).
SCENARIOS = {"mid-life": (0.60, 0.25), "first-sync": (0.0, 0.85), "steady": (0.95, 0.04)}


def _stakeholder(rng: random.Random, employee: Employee, sid: int, scenario: str) -> Stakeholder:
    name = f"{employee.first_name} {employee.last_name}"
    base = Stakeholder(id=sid, name=name, first_name=employee.first_name, last_name=employee.last_name,
                       email=employee.email, street=employee.street, postal_code=employee.postal_code,
                       city=employee.city, country=employee.country, birth_date=employee.birth_date,
                       phone=employee.phone, group="Employees", unique_identifier=employee.unique_identifier)
    roll, (linked, numbered) = rng.random(), SCENARIOS[scenario]
    if roll < linked:
        return dataclasses.replace(base, hr_provider="bamboohr", hr_remote_id=employee.remote_id)
    if roll < linked + numbered:
        return base
    return dataclasses.replace(base, unique_identifier=None, email=None)


def _drift(rng: random.Random, employee: Employee) -> Employee:
    """What HR says today compared with what the registry last saw."""
    roll = rng.random()
    if roll < 0.10:
        return dataclasses.replace(employee, city=employee.city + " Nord", email="new." + (employee.email or ""))
    if roll < 0.11:
        return dataclasses.replace(employee, status=EmploymentStatus.INACTIVE,
                                   termination_date=dt.date(2025, 6, 30))
    if roll < 0.12:
        return dataclasses.replace(employee, last_name=_typo(rng, employee.last_name or ""))
    return employee


def population(size: int, seed: int = 7, pools: Pools | None = None,
               scenario: str = "mid-life") -> tuple[list[Employee], list[Stakeholder]]:
    """`size` employees and `size` stakeholders, as described in the module docstring."""
    rng = random.Random(seed)
    pools = pools or Pools.draw(seed)
    employees: list[Employee] = []
    stakeholders: list[Stakeholder] = []
    for number in range(1, size + 1):
        person = _person(rng, pools, number)
        if rng.random() < 0.02:
            employees.append(person)  # a new hire: not in the registry yet
            continue
        stakeholders.append(_stakeholder(rng, person, len(stakeholders) + 1, scenario))
        employees.append(_drift(rng, person))
    while len(stakeholders) < size:  # investors, advisors: stakeholders who are not employees
        outsider = _person(rng, pools, size + len(stakeholders) + 1)
        stakeholders.append(dataclasses.replace(_stakeholder(rng, outsider, len(stakeholders) + 1, scenario),
                                                hr_provider=None, hr_remote_id=None, group="Investors"))
    rng.shuffle(employees)
    return employees, stakeholders


def measure(size: int, pools: Pools, scenario: str) -> dict[str, float | int | str]:
    employees, stakeholders = population(size, pools=pools, scenario=scenario)
    seconds, cpu = [], []
    for _ in range(REPEAT):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        changes = match(employees, stakeholders, POLICY)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        del changes
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    changes = match(employees, stakeholders, POLICY)
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    counts = " ".join(f"{kind}={n}" for kind, n in changes.counts().items() if n)
    return {"size": size, "seconds": min(seconds), "cpu": min(cpu), "peak_mb": peak / 2**20,
            "per_second": size / min(seconds), "counts": counts}


def reference_loop() -> float:
    """Process time of a bare 10M-step Python loop: how fast this machine runs Python today.

    Shared or throttled machines vary a lot; this puts the figures above in proportion.
    """
    started, total = time.process_time(), 0
    for step in range(10_000_000):
        total += step
    return time.process_time() - started


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="mid-life")
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    args = parser.parse_args(argv)
    pools = Pools.draw(7)
    print(f"scenario {args.scenario}")
    print(f"{'employees':>10} {'stakeholders':>12} {'seconds':>8} {'cpu s':>6} {'peak MiB':>9} {'emp/s':>9}  items")
    for size in args.sizes:
        row = measure(size, pools, args.scenario)
        common.emit("matching", scenario=args.scenario, employees=size, stakeholders=size,
                    seconds=round(row["seconds"], 3), cpu_s=round(row["cpu"], 3), peak_mb=round(row["peak_mb"], 1),
                    per_second=round(row["per_second"]), counts=row["counts"], load=common.machine_load())
        print(f"{row['size']:>10,} {row['size']:>12,} {row['seconds']:>8.2f} {row['cpu']:>6.2f} "
              f"{row['peak_mb']:>9.1f} {row['per_second']:>9,.0f}  {row['counts']}")
    print(f"seconds: wall clock of one match() call, best of {REPEAT}, data generation excluded; cpu s: its "
          "process time; peak MiB: tracemalloc peak during one more call (Python heap, not RSS)")
    reference = reference_loop()
    common.emit("machine_reference", loop_cpu_s=round(reference, 3))
    print(f"machine reference: a bare 10M-step Python loop takes {reference:.2f} s of CPU here")


if __name__ == "__main__":
    main(sys.argv[1:])
