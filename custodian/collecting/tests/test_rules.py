"""Each protection against disconnection, case by case (a table per rule)."""

from datetime import date

import pytest

from custodian.collecting.rules import (
    COLD_WEATHER_NOTICE_CONTENTS,
    RULES,
    Situation,
    annual_notice_window,
    cold_weather_appeal,
    cold_weather_days,
    cold_weather_notice,
    cold_weather_protection,
    cold_weather_unanswered,
    disconnection_verdict,
    extreme_heat,
    medical_emergency,
    must_reconnect,
)

QUALIFIES = {"income_qualifies": True, "payment_agreement_kept": True, "referred_to_assistance": True}
FULL_NOTICE = frozenset(COLD_WEATHER_NOTICE_CONTENTS)
TUESDAY_IN_JANUARY = date(2027, 1, 12)

COLD_WEATHER_CASES = [
    # (case, situation, protected)
    (
        "qualifying household, gas heat, gas service, January",
        Situation(TUESDAY_IN_JANUARY, "gas", **QUALIFIES),
        True,
    ),
    ("its electricity runs the furnace too", Situation(TUESDAY_IN_JANUARY, "electric", **QUALIFIES), True),
    ("first day of the period", Situation(date(2026, 10, 1), "gas", **QUALIFIES), True),
    ("last day of the period", Situation(date(2027, 4, 30), "gas", **QUALIFIES), True),
    ("the day before the period", Situation(date(2026, 9, 30), "gas", **QUALIFIES), False),
    ("the day after the period", Situation(date(2027, 5, 1), "gas", **QUALIFIES), False),
    ("water is not a heat source", Situation(TUESDAY_IN_JANUARY, "water", **QUALIFIES), False),
    (
        "gas service of an electrically heated home",
        Situation(TUESDAY_IN_JANUARY, "gas", heating_fuel="electric", **QUALIFIES),
        False,
    ),
    (
        "commercial customers are not covered",
        Situation(TUESDAY_IN_JANUARY, "gas", residential=False, **QUALIFIES),
        False,
    ),
    (
        "income above 50 % of state median",
        Situation(TUESDAY_IN_JANUARY, "gas", **{**QUALIFIES, "income_qualifies": False}),
        False,
    ),
    (
        "no payment agreement kept",
        Situation(TUESDAY_IN_JANUARY, "gas", **{**QUALIFIES, "payment_agreement_kept": False}),
        False,
    ),
    (
        "no referral to energy assistance",
        Situation(TUESDAY_IN_JANUARY, "gas", **{**QUALIFIES, "referred_to_assistance": False}),
        False,
    ),
]


@pytest.mark.parametrize(
    "case, situation, protected", COLD_WEATHER_CASES, ids=[c[0] for c in COLD_WEATHER_CASES]
)
def test_cold_weather_rule(case, situation, protected):
    reasons = cold_weather_protection(situation)
    assert bool(reasons) == protected
    assert all("§ 216B.097 subd. 1" in r for r in reasons)


def january_notice(sent_on, *, in_person=False, contents=FULL_NOTICE, copied=True):
    """A January gas disconnection whose notice was mailed (or handed over) on `sent_on`, with every content
    the rule asks for and copied to the energy assistance provider unless said otherwise."""
    return Situation(
        TUESDAY_IN_JANUARY,
        "gas",
        notice_sent_on=sent_on,
        notice_delivered_in_person=in_person,
        notice_contents=contents,
        notice_copied_to_assistance_provider=copied,
    )


NOTICE_CASES = [
    ("no notice", Situation(TUESDAY_IN_JANUARY, "gas"), ["no notice"]),
    ("complete notice mailed 20 days before", january_notice(date(2026, 12, 23)), []),
    ("mailed 19 days before", january_notice(date(2026, 12, 24)), ["less than 20 days"]),
    ("handed over 15 days before", january_notice(date(2026, 12, 28), in_person=True), []),
    ("handed over 14 days before", january_notice(date(2026, 12, 29), in_person=True), ["less than 15 days"]),
    (
        "notice without the energy assistance list",
        january_notice(
            date(2026, 12, 1), contents=FULL_NOTICE - {"a list of local energy assistance providers"}
        ),
        ["lacked a list of local energy assistance providers"],
    ),
    (
        "notice not copied to the energy assistance provider",
        january_notice(date(2026, 12, 1), copied=False),
        ["not copied to the local energy assistance provider"],
    ),
    ("summer needs no cold-weather notice", Situation(date(2026, 7, 14), "gas"), []),
    ("water needs no cold-weather notice", Situation(TUESDAY_IN_JANUARY, "water"), []),
]


@pytest.mark.parametrize("case, situation, expected", NOTICE_CASES, ids=[c[0] for c in NOTICE_CASES])
def test_cold_weather_notice_and_its_contents(case, situation, expected):
    reasons = cold_weather_notice(situation)
    assert len(reasons) == len(expected)
    for want, got in zip(expected, reasons, strict=True):
        assert want in got and "§ 216B.097" in got


HOLIDAYS = frozenset({date(2027, 1, 18), date(2026, 11, 26)})
DAY_CASES = [
    # (case, day, what else is true, the reason expected or None)
    ("Tuesday", TUESDAY_IN_JANUARY, {}, None),
    ("Friday", date(2027, 1, 15), {}, "Friday"),
    (
        "Friday, the customer declined an agreement offered that day",
        date(2027, 1, 15),
        {"declined_agreement_offered_that_day": True},
        None,
    ),
    ("Saturday", date(2027, 1, 16), {}, "weekend"),
    ("Sunday", date(2027, 1, 17), {}, "weekend"),
    ("Martin Luther King Jr. Day", date(2027, 1, 18), {}, "holiday"),
    ("the day before Thanksgiving", date(2026, 11, 25), {}, "day before a holiday"),
    ("after hours", TUESDAY_IN_JANUARY, {"after_close_of_business": True}, "close of business"),
    (
        "after the close of business, a field representative offers an agreement",
        TUESDAY_IN_JANUARY,
        {"after_close_of_business": True, "field_representative_offers_agreement": True},
        None,
    ),
    ("a Friday in July is outside the period", date(2026, 7, 17), {}, None),
    ("a Friday, water is not a heat source", date(2027, 1, 15), {"service": "water"}, None),
]


@pytest.mark.parametrize("case, day, extra, reason", DAY_CASES, ids=[c[0] for c in DAY_CASES])
def test_days_a_cold_weather_disconnection_may_not_happen(case, day, extra, reason):
    reasons = cold_weather_days(Situation(day, **{"service": "gas", **extra}, holidays=HOLIDAYS))
    if reason is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and reason in reasons[0] and "§ 216B.097 subd. 3" in reasons[0]


NOTICED = {"notice_sent_on": date(2026, 12, 1), "notice_contents": FULL_NOTICE}
UNANSWERED_CASES = [
    ("answered", {"notice_answered": True}, None),
    ("no answer, not investigated", {"notice_answered": False}, "investigate whether the home is occupied"),
    (
        "no answer, occupied, occupant not yet told",
        {"notice_answered": False, "occupancy_investigated": True, "unit_occupied": True},
        "tell the occupant",
    ),
    (
        "no answer, occupied, occupant told",
        {
            "notice_answered": False,
            "occupancy_investigated": True,
            "unit_occupied": True,
            "occupant_told_of_rule": True,
        },
        None,
    ),
    (
        "no answer, empty, provider not told",
        {"notice_answered": False, "occupancy_investigated": True, "unit_occupied": False},
        "7 days before",
    ),
    (
        "no answer, empty, provider told 6 days before",
        {
            "notice_answered": False,
            "occupancy_investigated": True,
            "unit_occupied": False,
            "assistance_provider_told_unoccupied_on": date(2027, 1, 6),
        },
        "7 days before",
    ),
    (
        "no answer, empty, provider told 7 days before",
        {
            "notice_answered": False,
            "occupancy_investigated": True,
            "unit_occupied": False,
            "assistance_provider_told_unoccupied_on": date(2027, 1, 5),
        },
        None,
    ),
]


@pytest.mark.parametrize("case, extra, reason", UNANSWERED_CASES, ids=[c[0] for c in UNANSWERED_CASES])
def test_a_customer_who_does_not_answer_the_notice(case, extra, reason):
    reasons = cold_weather_unanswered(Situation(TUESDAY_IN_JANUARY, "gas", **NOTICED, **extra))
    if reason is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and reason in reasons[0] and "§ 216B.097 subd. 3(b)" in reasons[0]


@pytest.mark.parametrize(
    "case, situation, held",
    [
        ("appeal pending in January", Situation(TUESDAY_IN_JANUARY, "gas", appeal_pending=True), True),
        ("no appeal", Situation(TUESDAY_IN_JANUARY, "gas"), False),
        ("appeal pending in July", Situation(date(2026, 7, 14), "gas", appeal_pending=True), False),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_an_appeal_holds_a_cold_weather_disconnection(case, situation, held):
    reasons = cold_weather_appeal(situation)
    assert bool(reasons) == held and all("§ 216B.097 subd. 3(c)" in r for r in reasons)


def test_a_protected_household_must_also_be_reconnected():
    assert must_reconnect(Situation(TUESDAY_IN_JANUARY, "gas", **QUALIFIES))
    assert not must_reconnect(Situation(date(2026, 7, 14), "gas", **QUALIFIES))


def test_every_rule_has_its_table():
    """Each rule the verdict applies is called by a table-driven test of this module: a rule added without
    its table fails here."""
    tables = [
        test
        for name, test in globals().items()
        if name.startswith("test_") and any(m.name == "parametrize" for m in getattr(test, "pytestmark", []))
    ]
    tested = {name for test in tables for name in test.__code__.co_names}
    assert {rule.__name__ for rule in RULES} <= tested


HEAT_CASES = [
    (
        "heat advisory, electric",
        Situation(date(2026, 7, 14), "electric", heat_alerts_in_county=frozenset({"heat advisory"})),
        1,
    ),
    (
        "excessive heat watch",
        Situation(date(2026, 7, 14), "electric", heat_alerts_in_county=frozenset({"excessive heat watch"})),
        1,
    ),
    (
        "excessive heat warning",
        Situation(date(2026, 7, 14), "electric", heat_alerts_in_county=frozenset({"excessive heat warning"})),
        1,
    ),
    ("no alert", Situation(date(2026, 7, 14), "electric"), 0),
    (
        "gas is not cooling",
        Situation(date(2026, 7, 14), "gas", heat_alerts_in_county=frozenset({"heat advisory"})),
        0,
    ),
    (
        "commercial",
        Situation(
            date(2026, 7, 14),
            "electric",
            residential=False,
            heat_alerts_in_county=frozenset({"heat advisory"}),
        ),
        0,
    ),
    (
        "other alerts do not count",
        Situation(date(2026, 7, 14), "electric", heat_alerts_in_county=frozenset({"wind advisory"})),
        0,
    ),
]


@pytest.mark.parametrize("case, situation, count", HEAT_CASES, ids=[c[0] for c in HEAT_CASES])
def test_extreme_heat(case, situation, count):
    reasons = extreme_heat(situation)
    assert len(reasons) == count and all("§ 216B.0975" in r for r in reasons)


def certified_on_july_1(today, service, certifier):
    return Situation(today, service, medical_certified_on=date(2026, 7, 1), medical_certifier=certifier)


def phoned_on_july_13(today):
    """Electric service whose medical emergency was certified by telephone on Monday 13 July 2026."""
    return Situation(today, "electric", medical_phoned_on=date(2026, 7, 13))


MEDICAL_CASES = [
    (
        "written by a doctor, this month",
        certified_on_july_1(date(2026, 7, 14), "electric", "licensed medical doctor"),
        True,
    ),
    (
        "written by an APRN",
        certified_on_july_1(date(2026, 7, 14), "water", "advanced practice registered nurse"),
        True,
    ),
    (
        "six months on, expired",
        Situation(date(2027, 1, 5), "electric", medical_certified_on=date(2026, 7, 1)),
        False,
    ),
    (
        "by a certifier the law does not name",
        certified_on_july_1(date(2026, 7, 14), "electric", "chiropractor"),
        False,
    ),
    ("by phone, within five business days", phoned_on_july_13(date(2026, 7, 17)), True),
    ("by phone, written certification overdue", phoned_on_july_13(date(2026, 7, 21)), False),
    (
        "commercial",
        Situation(date(2026, 7, 14), "electric", residential=False, medical_certified_on=date(2026, 7, 1)),
        False,
    ),
]


@pytest.mark.parametrize("case, situation, protected", MEDICAL_CASES, ids=[c[0] for c in MEDICAL_CASES])
def test_medical_emergency(case, situation, protected):
    reasons = medical_emergency(situation)
    assert bool(reasons) == protected and all("§ 216B.098 subd. 5" in r for r in reasons)


def test_the_verdict_gives_every_reason_and_allows_only_when_there_is_none():
    blocked = disconnection_verdict(
        Situation(date(2027, 1, 15), "electric", **QUALIFIES, medical_certified_on=date(2027, 1, 2))
    )
    assert not blocked.allowed
    assert {r.split(":")[0] for r in blocked.reasons} == {
        "Minn. Stat. § 216B.097 subd. 1",
        "Minn. Stat. § 216B.097 subd. 2",
        "Minn. Stat. § 216B.097 subd. 3",
        "Minn. Stat. § 216B.098 subd. 5",
    }
    summer = disconnection_verdict(Situation(date(2026, 7, 14), "electric"))
    assert summer.allowed and summer.reasons == ()


def test_the_annual_notice_goes_out_between_august_15_and_october_1():
    assert annual_notice_window(2026) == (date(2026, 8, 15), date(2026, 10, 1))
