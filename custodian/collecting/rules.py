"""Minnesota's protections against disconnection, each encoded once, with its citation.

Every rule is a pure function of a `Situation` (what the utility knows about an account and a proposed
disconnection) and answers with the reasons it forbids the disconnection; `disconnection_verdict` applies
them all. The console's worklist shows each account's protections from the same functions, and a
disconnection order is refused while any rule forbids it (`collecting.services.disconnection_order_issue`).

Statutes read (their current text, as published by the Revisor of Statutes and reproduced by Minnesota
utilities and the Minnesota Municipal Utilities Association):
- Minn. Stat. § 216B.097 (Cold Weather Rule; cooperative or municipal utility), period October 1 – April 30
  since the 2021 amendment (1st Spec. Sess. ch. 4, art. 8), as in force in 2023 and after.
- Minn. Stat. § 216B.0975 (disconnection during extreme heat conditions).
- Minn. Stat. § 216B.098 subd. 5 (medically necessary equipment; certification).
- Minn. Stat. § 216B.098 subd. 3 (the payment agreement a utility offers): no notice of proposed
  disconnection and no disconnection while the customer's request for one is not answered, nor while one is
  kept, all the year and whatever the service (`PAYMENT_AGREEMENT`; applied by
  `collecting.agreements.disconnection_barred_by` to every notice and every order, before the rules below).
Details of § 216B.097 subd. 2(b) (the copy of the notice to the local energy assistance provider, added in
2021) and subd. 3 (the days and hours a disconnection may not be carried out, the customer who does not
answer, an appeal) are encoded from published summaries of the statute (the League of Minnesota Cities'
summary of the 2021 amendment, utilities' reproductions of the text); counsel confirms them against the
official text once a year, with the annual notice. Custodian orders disconnections in the field only
(no remote disconnection and no load limiters, which subd. 4 counts as disconnections too), so the 2021
amendment's conditions for remote disconnection are not encoded.

Every clause of § 216B.097 that bears on a disconnection order, and where it is kept:
- subd. 1(a): period, residential, primary heat source, income, payment agreement, referral →
  `cold_weather_protection` (and the reconnection it also requires: `must_reconnect`);
- subd. 1(b): the yearly notice → `annual_notice_window` (sent by
  `collecting.services.cold_weather_notice_send`);
- subd. 2(a): the notice and its five contents; subd. 2(b): its copy to the energy assistance provider →
  `cold_weather_notice`;
- subd. 3(a)(1)-(4): not on a Friday (unless the customer declined a payment agreement offered that day),
  a weekend, a holiday or the day before one, nor when the offices are closed or after the close of business
  (unless a field representative who may agree a payment plan offers one) → `cold_weather_days`; the 20 days
  after mailing or 15 after handing over the notice → `cold_weather_notice`;
- subd. 3(b): a customer who did not answer the notice: occupancy investigated first, an occupant told of the
  rule, an empty unit's energy assistance provider told seven days before → `cold_weather_unanswered`;
- subd. 3(c): not while the customer's appeal is pending → `cold_weather_appeal`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_noop

COLD_WEATHER = "Minn. Stat. § 216B.097 subd. 1"
COLD_WEATHER_NOTICE = "Minn. Stat. § 216B.097 subd. 2"
COLD_WEATHER_DAYS = "Minn. Stat. § 216B.097 subd. 3"
COLD_WEATHER_UNANSWERED = "Minn. Stat. § 216B.097 subd. 3(b)"
COLD_WEATHER_APPEAL = "Minn. Stat. § 216B.097 subd. 3(c)"
COLD_WEATHER_ANNUAL_NOTICE = "Minn. Stat. § 216B.097 subd. 1(b)"
EXTREME_HEAT = "Minn. Stat. § 216B.0975"
MEDICAL = "Minn. Stat. § 216B.098 subd. 5"
PAYMENT_AGREEMENT = "Minn. Stat. § 216B.098 subd. 3"

# § 216B.097 subd. 2(a): what the notice before a cold-weather disconnection must give the customer.
# Marked for translation (gettext_noop keeps the English the record compares): the letter lists them in the
# customer's language.
COLD_WEATHER_NOTICE_CONTENTS = (
    gettext_noop("a notice of proposed disconnection"),
    gettext_noop("a statement explaining the customer's rights and responsibilities"),
    gettext_noop("a list of local energy assistance providers"),
    gettext_noop("forms on which to declare inability to pay"),
    gettext_noop(
        "a statement explaining available time payment plans and other opportunities to secure continued "
        "service"
    ),
)
# The least time between mailing (or handing over) that notice and a disconnection, in days.
NOTICE_DAYS_MAILED = 20
NOTICE_DAYS_DELIVERED = 15
# § 216B.097 subd. 3(b): an unoccupied unit's energy assistance provider is told this many days before.
UNOCCUPIED_NOTICE_DAYS = 7
# A medical certification given by telephone must be confirmed in writing within five business days.
MEDICAL_WRITTEN_WITHIN_BUSINESS_DAYS = 5
# How long a written medical certification protects (the utility may allow longer).
MEDICAL_VALID_DAYS = 182
# Stored as written (the key of a certification's certifier); marked so a customer reads it in their language.
MEDICAL_CERTIFIERS = (
    gettext_noop("licensed medical doctor"),
    gettext_noop("licensed physician assistant"),
    gettext_noop("advanced practice registered nurse"),
    gettext_noop("registered nurse (verifying a doctor's diagnosis or prescription)"),
)
HEAT_ALERTS = ("excessive heat watch", "heat advisory", "excessive heat warning")


@dataclass(frozen=True)
class Situation:
    """What is known about one account's proposed disconnection of one service on one day."""

    on: date
    service: str  # electric | gas | water
    residential: bool = True
    heating_fuel: str = "gas"  # the premise's primary heat source: gas | electric | other
    # § 216B.097 subd. 1(a)(1)-(3)
    income_qualifies: bool = False  # at or below 50 % of state median household income, verified or deemed
    payment_agreement_kept: bool = False  # a payment agreement considering the household's resources, kept
    referred_to_assistance: bool = False
    # § 216B.097 subd. 2-3
    notice_sent_on: date | None = None
    notice_delivered_in_person: bool = False
    notice_contents: frozenset[str] = frozenset()
    notice_copied_to_assistance_provider: bool = True  # subd. 2(b)
    # subd. 3(a)(1): a payment agreement offered that day in person or by telephone, and declined
    declined_agreement_offered_that_day: bool = False
    # subd. 3(a)(3)-(4): orders are carried out in office hours; after the close of business only when a
    # field representative who may agree a payment plan, take payment and continue service offers one
    after_close_of_business: bool = False
    field_representative_offers_agreement: bool = False
    # subd. 3(b): the customer's answer to the notice, and if none, the occupancy investigation
    notice_answered: bool = True
    occupancy_investigated: bool = False
    unit_occupied: bool | None = None
    occupant_told_of_rule: bool = False
    assistance_provider_told_unoccupied_on: date | None = None
    # subd. 3(c)
    appeal_pending: bool = False
    # § 216B.0975: alerts in effect in the county on the day
    heat_alerts_in_county: frozenset[str] = frozenset()
    # § 216B.098 subd. 5
    medical_certified_on: date | None = None  # the written certification's date
    medical_phoned_on: date | None = None  # an initial certification by telephone
    medical_certifier: str = ""
    holidays: frozenset[date] = field(default_factory=frozenset)


def in_cold_weather_period(day: date) -> bool:
    """October 1 through April 30 (§ 216B.097 subd. 1(a), as amended in 2021)."""
    return day.month >= 10 or day.month <= 4


def affects_primary_heat(s: Situation) -> bool:
    """Gas heat needs the gas and the electricity that runs the furnace; electric heat needs electricity;
    other fuels (propane, oil, wood) still need electricity for most heating equipment. Water is not a
    heat source."""
    if s.service == "water":
        return False
    if s.service == "gas":
        return s.heating_fuel == "gas"
    return True


def _cold_weather_applies(s: Situation) -> bool:
    return s.residential and in_cold_weather_period(s.on) and affects_primary_heat(s)


def cold_weather_protection(s: Situation) -> list[str]:
    """§ 216B.097 subd. 1(a): no disconnection (and reconnection) of a residential customer's primary heat
    source October 1 – April 30 when the household's income qualifies, it keeps a payment agreement that
    considers its financial resources, and it received referrals to energy assistance."""
    if not _cold_weather_applies(s):
        return []
    if s.income_qualifies and s.payment_agreement_kept and s.referred_to_assistance:
        return [
            f"{COLD_WEATHER}: Cold Weather Rule protection "
            "(income qualifies, payment agreement kept, referred)"
        ]
    return []


def must_reconnect(s: Situation) -> bool:
    """§ 216B.097 subd. 1(a): the same household the rule protects from disconnection must be reconnected
    if its heat source was disconnected."""
    return bool(cold_weather_protection(s))


def cold_weather_notice(s: Situation) -> list[str]:
    """§ 216B.097 subd. 2: before a cold-weather disconnection the customer must have been given the notice
    and its contents, and its copy sent to the local energy assistance provider; subd. 3: not sooner than 20
    days after it was mailed (15 if handed over)."""
    if not _cold_weather_applies(s):
        return []
    if s.notice_sent_on is None:
        return [f"{COLD_WEATHER_NOTICE}: no notice of proposed disconnection was given"]
    missing = [c for c in COLD_WEATHER_NOTICE_CONTENTS if c not in s.notice_contents]
    reasons = [f"{COLD_WEATHER_NOTICE}: the notice lacked {c}" for c in missing]
    if not s.notice_copied_to_assistance_provider:
        reasons.append(
            f"{COLD_WEATHER_NOTICE}: the notice was not copied to the local energy assistance provider"
        )
    wait = NOTICE_DAYS_DELIVERED if s.notice_delivered_in_person else NOTICE_DAYS_MAILED
    if s.on < s.notice_sent_on + timedelta(days=wait):
        reasons.append(f"{COLD_WEATHER_DAYS}: less than {wait} days since the notice was given")
    return reasons


def cold_weather_days(s: Situation) -> list[str]:
    """§ 216B.097 subd. 3(a): in the cold-weather period, not on a Friday (unless the customer declined a
    payment agreement offered that day in person or by telephone), a weekend, a holiday or the day before a
    holiday (the offices are closed then), nor after the close of business unless a field representative
    who may agree a payment plan, take payment and continue service offers one."""
    if not _cold_weather_applies(s):
        return []
    reasons = []
    if s.on.weekday() == 4 and not s.declined_agreement_offered_that_day:
        reasons.append(
            f"{COLD_WEATHER_DAYS}: not on a Friday, unless the customer declines a payment agreement "
            "offered that day in person or by telephone"
        )
    elif s.on.weekday() >= 5:
        reasons.append(f"{COLD_WEATHER_DAYS}: not on a weekend (the offices are closed)")
    elif s.on in s.holidays:
        reasons.append(f"{COLD_WEATHER_DAYS}: not on a holiday (the offices are closed)")
    elif s.on + timedelta(days=1) in s.holidays:
        reasons.append(f"{COLD_WEATHER_DAYS}: not on the day before a holiday")
    if s.after_close_of_business and not s.field_representative_offers_agreement:
        reasons.append(
            f"{COLD_WEATHER_DAYS}: not after the close of business, unless a field representative who may "
            "agree a payment plan offers one"
        )
    return reasons


def cold_weather_unanswered(s: Situation) -> list[str]:
    """§ 216B.097 subd. 3(b): a customer who did not answer the notice is not disconnected until the utility
    has investigated whether the home is occupied; an occupant must be told of the rule at once; for an
    empty unit the local energy assistance provider is told in writing seven days before."""
    if not _cold_weather_applies(s) or s.notice_sent_on is None or s.notice_answered:
        return []
    if not s.occupancy_investigated or s.unit_occupied is None:
        return [
            f"{COLD_WEATHER_UNANSWERED}: no answer to the notice; investigate whether the home is occupied"
        ]
    if s.unit_occupied:
        if s.occupant_told_of_rule:
            return []
        return [f"{COLD_WEATHER_UNANSWERED}: the home is occupied; tell the occupant of the rule"]
    told = s.assistance_provider_told_unoccupied_on
    if told is None or s.on < told + timedelta(days=UNOCCUPIED_NOTICE_DAYS):
        return [
            f"{COLD_WEATHER_UNANSWERED}: the unit is empty; the local energy assistance provider must be "
            f"told in writing {UNOCCUPIED_NOTICE_DAYS} days before"
        ]
    return []


def cold_weather_appeal(s: Situation) -> list[str]:
    """§ 216B.097 subd. 3(c): not while the customer's appeal of the notice is pending."""
    if not _cold_weather_applies(s) or not s.appeal_pending:
        return []
    return [f"{COLD_WEATHER_APPEAL}: the customer's appeal of the notice is not resolved"]


def extreme_heat(s: Situation) -> list[str]:
    """§ 216B.0975: no disconnection of a residential customer's electric service while an excessive heat
    watch, heat advisory or excessive heat warning of the National Weather Service is in effect in the
    county where the home is."""
    if not (s.residential and s.service == "electric"):
        return []
    alerts = sorted(a for a in s.heat_alerts_in_county if a in HEAT_ALERTS)
    return [f"{EXTREME_HEAT}: {a} in effect in the county" for a in alerts]


def _business_days_after(start: date, n: int, holidays: frozenset[date]) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            n -= 1
    return day


def medical_emergency(s: Situation) -> list[str]:
    """§ 216B.098 subd. 5: service continues (or is reconnected) where a medical emergency exists or
    life-sustaining medical equipment is in use, on a certification by a doctor, physician assistant,
    advanced practice registered nurse (or a registered nurse verifying a doctor's diagnosis): written, or
    by telephone and then in writing within five business days."""
    if not s.residential:
        return []
    if s.medical_certified_on is not None:
        if s.medical_certifier and s.medical_certifier not in MEDICAL_CERTIFIERS:
            return []
        if s.medical_certified_on <= s.on <= s.medical_certified_on + timedelta(days=MEDICAL_VALID_DAYS):
            return [
                f"{MEDICAL}: a medical certification protects the household until "
                f"{(s.medical_certified_on + timedelta(days=MEDICAL_VALID_DAYS)).isoformat()}"
            ]
        return []
    if s.medical_phoned_on is not None:
        deadline = _business_days_after(s.medical_phoned_on, MEDICAL_WRITTEN_WITHIN_BUSINESS_DAYS, s.holidays)
        if s.medical_phoned_on <= s.on <= deadline:
            return [
                f"{MEDICAL}: certified by telephone; "
                f"the written certification is due by {deadline.isoformat()}"
            ]
    return []


RULES: tuple[Callable[[Situation], list[str]], ...] = (
    cold_weather_protection,
    cold_weather_notice,
    cold_weather_days,
    cold_weather_unanswered,
    cold_weather_appeal,
    extreme_heat,
    medical_emergency,
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str, ...]


def disconnection_verdict(s: Situation) -> Verdict:
    """Whether the law lets this disconnection go ahead, and every reason it does not."""
    reasons = tuple(r for rule in RULES for r in rule(s))
    return Verdict(not reasons, reasons)


def annual_notice_window(year: int) -> tuple[date, date]:
    """§ 216B.097 subd. 1(b): every residential customer is told of the Cold Weather Rule between
    August 15 and October 1 each year."""
    return date(year, 8, 15), date(year, 10, 1)
