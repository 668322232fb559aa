"""Register reads: the index on a meter without interval readings (water, older gas and electric meters), read
by field services or taken from the customer at a move, entered in the console and checked before anything
is stored.

A read is the meter's index, which only grows: a read lower than the last one on the same meter is refused
unless it is marked as what explains it, a rollover (the dials passed their maximum: the use is what was left
to the maximum plus the new index) or a meter change (the old meter's final index and the new meter's
starting index are given: the use is both meters' share). The first read of a meter is its starting index
and bills nothing (so is a customer's first read of another premise's meter after a move). Each read's use
counts in the cycle of its day: the cycle's total is the sum of its reads' use, replacing an estimate, so
the next bill run bills it and trues up an estimated bill.

The reads live in the customer's `meter_usage` document (sealed, category meter usage) beside the cycle
totals: `{"water": {"unit": "gal", "months": [...], "reads": [{"on", "index", "meter", "kind", "use"}]}}`.
The document is read and written back as the `usage_import` job on behalf of the member of staff who
entered the read (one access event), under the metering notice at collection. A member of staff's look at
the meters' last reads is their own read (`last_reads`): through the gate as themself, for providing
services, counted like their other reads.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from custodian.bounds import ascii_decimal
from custodian.customers.choices import SERVICE_UNITS
from custodian.customers.models import Account, ServicePoint
from custodian.policy.loader import current_policy
from custodian.usage.greenbutton_import import CUSTOMER_METER, CUSTOMER_PER_HOUR, plausible_most
from custodian.vault.choices import Channel
from custodian.vault.gate import policy_decision, reveal, staff_actor, system_actor
from custodian.vault.selectors import reads_held_for
from custodian.vault.services import Submission, personal_data_record

READS_JOB = "usage_import"
# What staff read and enter reads for: the purpose of "reading meters" in the policy file.
READS_PURPOSE = "providing_services"
NOTICE = "metering"
MAX_INDEX = Decimal("1e10")  # ten dials
# A read's unit as the Green Button bounds name it, and how many of those one of the read's units is.
_BOUND_UNIT = {"kWh": ("Wh", 1000), "therm": ("therm", 1), "gal": ("gal", 1)}


class ReadError(ValueError):
    """A read that is not stored; the message says what was wrong."""


class Kind:
    REGULAR = "regular"
    ROLLOVER = "rollover"
    METER_CHANGE = "meter_change"
    CHOICES = [
        (REGULAR, "Regular read"),
        (ROLLOVER, "Rollover: the dials passed their maximum"),
        (METER_CHANGE, "Meter change: a new meter was set"),
    ]


@dataclass(frozen=True)
class RecordedRead:
    service: str
    on: date
    index: Decimal
    use: Decimal | None  # None: the first read of the service, its starting index
    cycle: str
    cycle_total: Decimal | None


@dataclass(frozen=True)
class Read:
    """One register read of a meter: entered at the desk, or a row of an imported file."""

    service: str
    meter: str
    read_on: date
    index: Decimal
    kind: str = Kind.REGULAR
    dials: int | None = None
    old_final: Decimal | None = None
    new_start: Decimal = Decimal(0)


def may_enter_reads(user) -> bool:
    """Staff whose support services provide utility services with meter usage (field services, customer
    service)."""
    return policy_decision(current_policy(), staff_actor(user), READS_PURPOSE, ["meter_usage"]).allowed


def _decimal(value, what: str) -> Decimal:
    try:
        number = ascii_decimal(value)  # the digits 0 to 9 only: Decimal() reads "٣٠٠" as 300
    except (InvalidOperation, ValueError):
        raise ReadError(f"{what} {value!r} is not a number written with the digits 0 to 9") from None
    if not number.is_finite() or number < 0 or number >= MAX_INDEX:
        raise ReadError(f"{what} must be between 0 and {MAX_INDEX:,.0f}")
    if number != number.quantize(Decimal("0.001")):
        raise ReadError(f"{what} has more than three decimals")
    return number


def _use(read: Read, last: Decimal) -> Decimal:
    """The use since the last read, by the kind of read; a ReadError says what does not add up."""
    kind, index, dials, old_final, new_start = (
        read.kind,
        read.index,
        read.dials,
        read.old_final,
        read.new_start,
    )
    if kind == Kind.REGULAR:
        if index < last:
            raise ReadError(
                f"the read {index} is below the last read {last}: mark it as a rollover or a meter change"
            )
        return index - last
    if kind == Kind.ROLLOVER:
        if dials is None or not 3 <= dials <= 10:
            raise ReadError("a rollover needs the meter's number of dials (3 to 10)")
        top = Decimal(10) ** dials
        if not index < last < top:
            raise ReadError(f"a rollover reads lower than the last read ({last}), which is below {top:,.0f}")
        return top - last + index
    if kind == Kind.METER_CHANGE:
        if old_final is None:
            raise ReadError("a meter change needs the old meter's final read")
        if old_final < last:
            raise ReadError(f"the old meter's final read {old_final} is lower than its last read {last}")
        if index < new_start:
            raise ReadError(f"the new meter's read {index} is lower than its starting read {new_start}")
        return (old_final - last) + (index - new_start)
    raise ReadError(f"kind {kind!r} is not one of {[k for k, _ in Kind.CHOICES]}")


def plausible_use(service: str, customer_class: str, hours: int) -> Decimal | None:
    """The most a meter of `service` reads in `hours`, in the service's unit: the Green Button bound of a
    customer of `customer_class`'s meter (`CUSTOMER_PER_HOUR`), or of any meter (`plausible_most`) when the
    class is not given; None for a unit neither bounds."""
    unit = SERVICE_UNITS.get(service)
    if unit not in _BOUND_UNIT:
        return None
    bound_unit, per_unit = _BOUND_UNIT[unit]
    if customer_class:
        per_hour = CUSTOMER_PER_HOUR.get(customer_class, CUSTOMER_PER_HOUR["residential"])
        most = per_hour.get(service, {}).get(bound_unit)
        if most is not None:
            return Decimal(str(most)) * hours / per_unit
    return Decimal(str(plausible_most(bound_unit, hours * 3600))) / per_unit


def _check_plausible(read: Read, use: Decimal, last_on: str, customer_class: str) -> None:
    """A ReadError when `use` since the last read (of `last_on`) is more than the meter reads in the time
    between: a mistyped read, or a rollover the dials could not have made, is never billed."""
    hours = (read.read_on - date.fromisoformat(last_on)).days * 24
    most = plausible_use(read.service, customer_class, hours)
    if most is None or use <= most:
        return
    unit = SERVICE_UNITS[read.service]
    meter = CUSTOMER_METER.get(customer_class, "a meter") if customer_class else "a meter"
    what = "a rollover" if read.kind == Kind.ROLLOVER else "the read"
    raise ReadError(
        f"{what} implies {use} {unit} used in the {hours} hours since the last read of {last_on}, more "
        f"than {meter} reads in that time (at most {most.normalize():f} {unit}): check the read and how it "
        "was taken"
    )


def reads_of(document: str | None, service: str) -> list[dict]:
    return list((json.loads(document or "{}").get(service) or {}).get("reads", []))


@transaction.atomic
def register_read_record(
    *,
    account_id: int,
    service: str,
    read_on: date,
    index,
    by,
    kind: str = Kind.REGULAR,
    dials: int | None = None,
    old_meter_final=None,
    new_meter_start="0",
    client_ip: str = "",
) -> RecordedRead:
    """Check and store one register read of the account's meter for `service`, entered by `by` (a member
    of staff who provides services with meter usage). Refused, nothing stored, when it does not add up."""
    account = _reader_account(account_id=account_id, by=by, doing="enter meter reads")
    if reads_held_for(by):
        raise ReadError("your reads are held for the privacy officer's decision: no reads entered until then")
    point = ServicePoint.objects.filter(premise_id=account.premise_id, service=service).first()
    if point is None:
        raise ReadError(f"the premise has no {service} meter")
    today = timezone.localdate()
    if read_on > today:
        raise ReadError("a read can't be dated in the future")
    if read_on < account.opened_on or (account.closed_on and read_on > account.closed_on):
        raise ReadError("the read's day is outside the account's service")
    index = _decimal(index, "the read")
    old_final = (
        _decimal(old_meter_final, "the old meter's final read") if old_meter_final not in (None, "") else None
    )
    new_start = _decimal(new_meter_start or "0", "the new meter's starting read")
    # Read to be written back: the reads job's read, on behalf of the member of staff who entered the read.
    usage = _meter_usage(account=account, actor=system_actor(READS_JOB, on_behalf_of=by), client_ip=client_ip)
    meter = point.meter_number
    read = Read(service, meter, read_on, index, kind, dials=dials, old_final=old_final, new_start=new_start)
    recorded = read_apply(usage, read, customer_class=account.customer.customer_class)
    personal_data_record(
        customer=account.customer,
        values={"meter_usage": usage_text(usage)},
        submission=reads_submission(
            by=by,
            channel=Channel.METER,
            note=f"register read of meter {meter} on {read_on.isoformat()} ({kind})",
        ),
    )
    return recorded


def _reader_account(*, account_id: int, by, doing: str) -> Account:
    """The account whose meters `by` reads; a ReadError when `by` may not (`doing`: what was refused) or
    there is no such account."""
    if by is None or not may_enter_reads(by):
        raise ReadError(f"only staff who provide services with meter usage {doing}")
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise ReadError("no such account")
    return account


def _meter_usage(*, account: Account, actor, client_ip: str) -> dict:
    """The account's customer's usage document, read through the gate by `actor` for providing services."""
    document = reveal(
        actor=actor,
        customer_id=account.customer_id,
        fields=["meter_usage"],
        purpose=READS_PURPOSE,
        client_ip=client_ip,
    ).get("meter_usage")
    return json.loads(document or "{}")


def usage_text(usage: dict) -> str:
    """A usage document as it is sealed (compact JSON)."""
    return json.dumps(usage, separators=(",", ":"))


def reads_submission(*, by, channel: str, note: str) -> Submission:
    """The provenance of reads that `by` entered or imported: the metering notice at collection."""
    return Submission(
        channel=channel, notice_key=NOTICE, recorded_by=by, recorded_by_label=by.get_username(), note=note
    )


def read_apply(usage: dict, read: Read, *, customer_class: str = "") -> RecordedRead:
    """Add one read of a meter to the customer's usage document (parsed; changed in place) and the cycle's
    total, checked against the meter's last read and against what the meter of a customer of
    `customer_class` reads in the time between (`plausible_use`); a ReadError, the document unchanged, when
    it does not add up. The one rule for a read entered at the desk and a read in an imported file."""
    service, meter, read_on, index, kind = read.service, read.meter, read.read_on, read.index, read.kind
    series = usage.setdefault(service, {"unit": SERVICE_UNITS[service], "months": []})
    reads = series.setdefault("reads", [])
    # The reads of this meter: a customer who moved has read another premise's meter before.
    on_this_meter = [r for r in reads if r.get("meter") == meter]
    last = on_this_meter[-1] if on_this_meter else None
    if last is not None and read_on.isoformat() <= last["on"]:
        raise ReadError(f"the last read is of {last['on']}: a new read comes after it")
    if last is None:
        if kind != Kind.REGULAR:
            raise ReadError("the first read of a meter is its starting index: a regular read")
        use = None
    else:
        use = _use(read, Decimal(last["index"]))
        _check_plausible(read, use, last["on"], customer_class)
    cycle = f"{read_on:%Y-%m}"
    held = next((m for m in series.get("months", []) if m.get("month") == cycle), None)
    from_reads = any(r["on"].startswith(cycle) and r.get("use") for r in reads)
    if use is not None and held is not None and not held.get("estimated") and not from_reads:
        # The cycle's total came from the meter's own data (not an estimate, not these reads): a read only
        # adds, and a metered total is corrected under a correction request (re-read, bill adjustment).
        raise ReadError(
            f"the cycle {cycle} holds a metered total of {held['total']}, not an estimate: a read does not "
            "replace it (a correction request corrects it)"
        )
    reads.append(
        {
            "on": read_on.isoformat(),
            "index": str(index),
            "meter": meter,
            "kind": kind,
            "use": None if use is None else str(use),
        }
    )
    total = None
    if use is not None:
        total = sum((Decimal(r["use"]) for r in reads if r["on"].startswith(cycle) and r["use"]), Decimal(0))
        months = [m for m in series.get("months", []) if m.get("month") != cycle]
        months.append({"month": cycle, "total": float(total)})
        series["months"] = sorted(months, key=lambda m: m["month"])
    return RecordedRead(service, read_on, index, use, cycle, total)


def last_reads(*, account_id: int, by, client_ip: str = "") -> dict[str, dict]:
    """The last read of each of the account's services, for the member of staff `by` to see: read through
    the gate as `by` themself for providing services (one access event, counted towards their hourly limit
    like their other reads; gate.Held past it), not as the reads job, which reads only to store a read."""
    account = _reader_account(account_id=account_id, by=by, doing="see meter reads")
    usage = _meter_usage(account=account, actor=staff_actor(by), client_ip=client_ip)
    return {s: (usage.get(s) or {}).get("reads", [])[-1] for s in usage if (usage.get(s) or {}).get("reads")}
