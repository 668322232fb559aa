"""Synthetic customers for the demo utility: deterministic for a seed, no real person's data (Faker).

Customer number i of seed S is always the same person, so an interrupted run resumes where it stopped.
"""

import functools
import json
import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np
from faker import Faker

from custodian.customers.choices import CustomerClass, HeatingFuel, PremiseType, Service
from custodian.customers.services import Application
from custodian.usage.comparison import size_band
from custodian.vault.interval_files import LOCAL, month_bounds

OWATONNA_ZIPS = ("55060", "55060", "55060", "55049", "55052")
FEEDERS = tuple(f"F{n:02d}" for n in range(1, 13))


def account_number(seed: int, index: int) -> str:
    return f"{seed % 1000:03d}{index:07d}"


def meter_number(seed: int, index: int, service: str) -> str:
    """A meter's number, as unrelated to its account's as a manufacturer's serial is: the meter number is
    shown where the sealed account number is not, so it must not spell it. The customer's place in the run is
    scrambled by a bijection of the seven digits (3,145,739 is coprime with 10), so numbers stay unique."""
    return f"{service[0].upper()}{seed % 1000:03d}{(index * 3_145_739 + 1_234_567) % 10**7:07d}"


def _months(today: date, count: int = 13) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append((year, month))
    return list(reversed(out))


def _seasonal(month: int, peak_month: int, swing: float) -> float:
    return 1 + swing * math.cos((month - peak_month) / 12 * 2 * math.pi)


def monthly_usage(rng: random.Random, app: Application, months: list[tuple[int, int]]) -> dict:
    """13 months of billing-cycle totals per service, with a seasonal shape."""
    scale = app.size_sqft / 1800
    commercial = app.customer_class == CustomerClass.COMMERCIAL
    series = {}
    for service in app.services:
        values = []
        for year, month in months:
            if service == Service.ELECTRIC:
                base = (650 if not commercial else 4200) * scale
                shape = _seasonal(month, 7, 0.30)
                if app.heating_fuel == HeatingFuel.ELECTRIC:
                    shape += 0.9 * max(0.0, math.cos((month - 1) / 12 * 2 * math.pi))
                unit = "kWh"
            elif service == Service.GAS:
                base = (70 if not commercial else 380) * scale
                shape = max(0.12, _seasonal(month, 1, 0.95))
                unit = "therm"
            else:
                base = (4200 if not commercial else 21000) * (0.6 + 0.4 * scale)
                shape = _seasonal(month, 7, 0.25)
                unit = "gal"
            vacancy = 0.05 if app.is_vacant else 1.0
            values.append(
                {
                    "month": f"{year}-{month:02d}",
                    "total": round(base * shape * vacancy * rng.uniform(0.85, 1.15), 1),
                }
            )
        series[service] = {"unit": unit, "months": values}
    return series


_FAKER: list[Faker] = []


def _faker(seed: int) -> Faker:
    """One Faker per process, re-seeded for each customer: seeding resets the instance's random state, so the
    same person comes out as from a new instance, and building an instance (its providers, dozens of them)
    cost more than the rest of making a customer."""
    if not _FAKER:
        _FAKER.append(Faker("en_US"))
    fake = _FAKER[0]
    fake.seed_instance(seed)
    return fake


def application(seed: int, index: int, today: date) -> Application:
    """Customer `index` of `seed`, as they apply for service on `today` (which dates their months of use and
    the day service started; nothing else depends on it). From SIMILAR_HOMES_FROM on, a home like the portal
    customer's (`similar_home`)."""
    like = _portal_home(seed, today) if index >= SIMILAR_HOMES_FROM else None
    fake = _faker(seed * 10_000_019 + index)
    rng = random.Random(seed * 10_000_019 + index)
    commercial = rng.random() < 0.12
    if commercial:
        premise_type, size = PremiseType.COMMERCIAL, rng.randrange(2500, 40000, 100)
        name = fake.company()
    else:
        premise_type = rng.choices(
            [PremiseType.SINGLE_FAMILY, PremiseType.MULTI_FAMILY, PremiseType.MANUFACTURED],
            weights=[70, 22, 8],
        )[0]
        size = {
            "single_family": rng.randrange(900, 3800, 50),
            "multi_family": rng.randrange(500, 1400, 25),
            "manufactured": rng.randrange(700, 1600, 25),
        }[premise_type]
        name = fake.name()
    fuel = rng.choices([HeatingFuel.GAS, HeatingFuel.ELECTRIC, HeatingFuel.OTHER], weights=[72, 20, 8])[0]
    services = [Service.ELECTRIC]
    if fuel == HeatingFuel.GAS or rng.random() < 0.3:
        services.append(Service.GAS)
    if rng.random() < 0.92:
        services.append(Service.WATER)
    zip_code = rng.choice(OWATONNA_ZIPS)
    street = fake.street_address()
    service_address = f"{street}, Owatonna, MN {zip_code}"
    mailing = (
        service_address
        if rng.random() < 0.9
        else f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
    )
    local = name.lower().replace(" ", ".").replace(",", "").replace("'", "")
    personal = {
        "name": name,
        "service_address": service_address,
        "mailing_address": mailing,
        "account_number": account_number(seed, index),
        "phone": f"507-{rng.randrange(200, 999)}-{rng.randrange(0, 10000):04d}"
        if rng.random() < 0.85
        else None,
        "email": f"{local}{index}@example.{'com' if rng.random() < 0.5 else 'net'}"
        if rng.random() < 0.7
        else None,
        "bank_account": f"routing {rng.randrange(10**8, 10**9)} account {rng.randrange(10**9, 10**12)}"
        if rng.random() < 0.3
        else None,
    }
    app = Application(
        customer_class=CustomerClass.COMMERCIAL if commercial else CustomerClass.RESIDENTIAL,
        premise_type=premise_type,
        size_sqft=size,
        heating_fuel=fuel,
        zip_code=zip_code,
        feeder=rng.choice(FEEDERS),
        services=services,
        personal={k: v for k, v in personal.items() if v is not None},
        meter_numbers={s: meter_number(seed, index, s) for s in services},
        is_vacant=rng.random() < 0.03,
        on_assistance_rate=not commercial and rng.random() < 0.06,
        self_generation=rng.random() < 0.02,
        # Service started years ago (before the 13 months of readings), on the first of a month.
        opened_on=date(today.year - 2 - index % 15, 1 + index % 12, 1),
    )
    if like is not None:
        app = _like(
            app, like, rng, seed=seed, index=index, name=fake.name() if commercial else name, street=street
        )
    app.personal["meter_usage"] = json.dumps(monthly_usage(rng, app, _months(today)), separators=(",", ":"))
    return app


# The demo's portal customer (`demo_portal_index`) and the similar homes that give their home a comparison
# in a demo of a few dozen customers, where no peer group reaches the policy file's minimum of homes: a few
# more homes than that minimum (SIMILAR_HOMES_MARGIN), so that no home's share of the group's use passes the
# policy's largest share either. The minimum is never lowered; the demo has the homes it asks for. Similar
# homes are customers numbered from SIMILAR_HOMES_FROM (their account numbers say so), the same for a seed.
SIMILAR_HOMES_FROM = 9_000_000
SIMILAR_HOMES_MARGIN = 5
# Any day: who a customer is and their home do not depend on it (only their months of use and opening do).
_ANY_DAY = date(2026, 1, 1)


def comparable(app: Application) -> bool:
    """Whether the home takes part in neighbour comparisons (`usage.comparison`'s eligible homes)."""
    return app.customer_class == CustomerClass.RESIDENTIAL and not (
        app.is_vacant or app.on_assistance_rate or app.self_generation
    )


def peer_key(app: Application) -> tuple:
    """What a home's peer group is made of at the demo's sizes: premise type, heating fuel, size band and ZIP
    code (`usage.comparison`: the feeder and the split by size come in only past a hundred such homes)."""
    return (app.premise_type, app.heating_fuel, size_band(app.size_sqft), app.zip_code)


@functools.cache
def demo_portal_index(seed: int, tries: int = 500) -> int | None:
    """The demo customer who signs in to the portal: the first that takes electricity, gas and water at a
    home that takes part in comparisons, has an e-mail address on file (they sign in with it) and is not one
    of the collections cases (`demo_collections_cases`)."""
    for index in range(tries):
        app = application(seed, index, _ANY_DAY)
        if (
            comparable(app)
            and set(app.services) == set(Service.values)
            and "email" in app.personal
            and index % PAST_DUE_EVERY != PAST_DUE_EVERY - 1
        ):
            return index
    return None


def _portal_home(seed: int, today: date) -> Application | None:
    index = demo_portal_index(seed)
    return None if index is None else application(seed, index, today)


def _like(
    app: Application, like: Application, rng: random.Random, *, seed: int, index: int, name: str, street: str
) -> Application:
    """`app`'s person at a home like `like`: the same premise type, heating fuel, services and ZIP code, a
    floor area near it in the same size band, lived in and comparable."""
    band = size_band(like.size_sqft)
    size = like.size_sqft + rng.randrange(-150, 151, 25)
    while size_band(size) != band:
        size += 25 if size < like.size_sqft else -25
    service_address = f"{street}, Owatonna, MN {like.zip_code}"
    moved = app.personal["mailing_address"] != app.personal["service_address"]
    personal = {
        **app.personal,
        "name": name,
        "service_address": service_address,
        "mailing_address": app.personal["mailing_address"] if moved else service_address,
    }
    return replace(
        app,
        customer_class=CustomerClass.RESIDENTIAL,
        premise_type=like.premise_type,
        size_sqft=size,
        heating_fuel=like.heating_fuel,
        zip_code=like.zip_code,
        services=list(like.services),
        personal=personal,
        meter_numbers={s: meter_number(seed, index, s) for s in like.services},
        is_vacant=False,
        on_assistance_rate=False,
        self_generation=False,
    )


def similar_homes_needed(*, count: int, seed: int, today: date, min_homes: int) -> int:
    """How many similar homes a demo of `count` customers needs for its portal customer's home to have
    `min_homes` (the policy file's minimum) plus SIMILAR_HOMES_MARGIN comparable homes like it, with each of
    its services: none when its own customers are enough, or when the portal customer is not among them."""
    index = demo_portal_index(seed)
    if index is None or index >= count:
        return 0
    like = application(seed, index, today)
    want = min_homes + SIMILAR_HOMES_MARGIN
    have = dict.fromkeys(like.services, 0)
    for i in range(count):
        app = application(seed, i, today)
        if comparable(app) and peer_key(app) == peer_key(like):
            for service in set(app.services) & set(have):
                have[service] += 1
            if min(have.values()) >= want:
                return 0
    return want - min(have.values())


def local_clock(month: str, interval: int = 3600) -> tuple:
    """The month's grid of `interval`-second slots: (first instant UTC, local hour of each slot as a
    fraction (7.25 is 7:15), weekday of each slot)."""

    start, end = month_bounds(month)
    moments = [datetime.fromtimestamp(t, LOCAL) for t in range(start, end, interval)]
    return (
        start,
        np.array([m.hour + m.minute / 60 for m in moments]),
        np.array([m.weekday() for m in moments]),
    )


def hourly_electric(seed: int, index: int, month: str, total_kwh: float, clock, heating_fuel: str):
    """A month of kWh per slot of `clock` (hourly or finer) for a home whose month adds up to `total_kwh`: a
    morning and an evening peak, afternoon air conditioning in summer, electric heat at night in winter,
    weekends later and flatter."""

    _, hour, weekday = clock
    mon = int(month[5:])
    rng = np.random.default_rng([seed, index, mon, int(month[:4])])
    shape = 0.45 + 0.35 * np.exp(-(((hour - 7) / 1.5) ** 2)) + 0.8 * np.exp(-(((hour - 19) / 2.2) ** 2))
    weekend = weekday >= 5
    shape = np.where(weekend, 0.55 + 0.6 * np.exp(-(((hour - 13) / 4.0) ** 2)) + 0.5 * (hour >= 18), shape)
    if mon in (6, 7, 8):
        shape = shape + 0.9 * np.exp(-(((hour - 16) / 2.5) ** 2))
    if heating_fuel == HeatingFuel.ELECTRIC and mon in (11, 12, 1, 2, 3):
        shape = shape + 0.5 * ((hour < 7) | (hour >= 22))
    values = shape * rng.lognormal(0.0, 0.25, len(hour))
    return np.round(values * (total_kwh / values.sum()), 3)


def hourly_gas(seed: int, index: int, month: str, total_therms: float, clock, heating_fuel: str):
    """A month of therms per slot for a home whose month adds up to `total_therms`: water heating at the
    morning and evening peaks all year, and where gas heats the home a steady base that rises at night and at
    dawn in the cold months."""

    _, hour, weekday = clock
    mon = int(month[5:])
    rng = np.random.default_rng([seed, index, mon, int(month[:4]), 2])
    shape = 0.2 + 0.8 * np.exp(-(((hour - 7) / 1.2) ** 2)) + 0.6 * np.exp(-(((hour - 20) / 1.8) ** 2))
    shape = np.where(weekday >= 5, 0.2 + 0.7 * np.exp(-(((hour - 10) / 2.5) ** 2)), shape)
    if heating_fuel == HeatingFuel.GAS and mon in (10, 11, 12, 1, 2, 3, 4):
        shape = shape + 1.2 + 0.6 * ((hour < 7) | (hour >= 21))
    values = shape * rng.lognormal(0.0, 0.3, len(hour))
    return np.round(values * (total_therms / values.sum()), 4)


def hourly_water(seed: int, index: int, month: str, total_gallons: float, clock, heating_fuel: str = ""):
    """A month of gallons per slot for a home whose month adds up to `total_gallons`: showers and breakfast
    in the morning, cooking, dishes and laundry in the evening, next to nothing at night, lawn watering on
    summer evenings. (`heating_fuel` is not used: water is water; taken so every service's shape is called
    alike.)"""

    _, hour, weekday = clock
    mon = int(month[5:])
    rng = np.random.default_rng([seed, index, mon, int(month[:4]), 3])
    shape = 0.03 + 1.2 * np.exp(-(((hour - 7) / 1.0) ** 2)) + 0.8 * np.exp(-(((hour - 19) / 2.0) ** 2))
    weekend = 0.03 + 1.0 * np.exp(-(((hour - 10) / 2.0) ** 2)) + 0.5 * (hour >= 17)
    shape = np.where(weekday >= 5, weekend, shape)
    shape = shape + 0.25 * ((hour >= 9) & (hour < 22))
    if mon in (6, 7, 8):
        shape = shape + 1.5 * np.exp(-(((hour - 20) / 1.0) ** 2))
    values = shape * rng.lognormal(0.0, 0.4, len(hour))
    return np.round(values * (total_gallons / values.sum()), 2)


# Each service's readings through a month, by the shape of a home's use of it.
HOURLY_SHAPES = {"electric": hourly_electric, "gas": hourly_gas, "water": hourly_water}


# The demo's collections cases, by demo customer index: every PAST_DUE_EVERY-th customer stopped paying
# their last PAST_DUE_CYCLES bills; the first COLD_WEATHER_CASES of those that are residential and heat with
# gas or electricity qualify under the Cold Weather Rule and keep a payment agreement; the next
# AGREEMENT_REQUESTS have asked for one.
PAST_DUE_EVERY = 11
PAST_DUE_CYCLES = 3
COLD_WEATHER_CASES = 3
AGREEMENT_REQUESTS = 2


@dataclass(frozen=True)
class CollectionsCases:
    past_due: list[int]
    cold_weather: list[int]
    agreement_requested: list[int]


def demo_collections_cases(*, count: int, seed: int, today: date | None = None) -> CollectionsCases:
    """Which demo customers are past due, under the Cold Weather Rule, or waiting for an agreement: computed
    from the generator alone (deterministic), so the welcome text can name them without reading anyone."""

    today = today or datetime.now(LOCAL).date()  # the utility's day, not the machine's
    past_due = [i for i in range(count) if i % PAST_DUE_EVERY == PAST_DUE_EVERY - 1]
    heated = [
        i
        for i in past_due
        if (app := application(seed, i, today)).customer_class == CustomerClass.RESIDENTIAL
        and app.heating_fuel in (HeatingFuel.GAS, HeatingFuel.ELECTRIC)
        and not app.is_vacant
    ]
    cold = heated[:COLD_WEATHER_CASES]
    return CollectionsCases(
        past_due, cold, heated[COLD_WEATHER_CASES : COLD_WEATHER_CASES + AGREEMENT_REQUESTS]
    )
