"""This year against last year on the usage page: each service's last 12 months with readings, month by month,
against the same months a year earlier."""

from datetime import date, datetime

from custodian.customers.choices import Service
from custodian.usage.intervals import usage_arrays
from custodian.usage.services.presentation import (
    SERVICE_WORDS,
    UNIT_WORDS,
    own_usage_read,
    same_days_last_year,
    use_by_month,
    year_before,
)
from custodian.vault.gate import Actor
from custodian.vault.interval_files import LOCAL, month_bounds, month_of


def year_against_last_year(
    *, actor: Actor, customer_id: int, client_ip: str = "", now: datetime | None = None
):
    """Each service's last 12 months with readings, month by month, against the same months a year earlier:
    one read through the gate (one access event) of the last 25 local months. The latest month, when it is
    this month, is compared with the same days a year earlier. None when no reading is held."""

    now = now or datetime.now(LOCAL)
    end = int(now.timestamp())
    this_month = month_of(end)
    start = month_bounds(_months_back(this_month, 24))[0]
    blocks = own_usage_read(actor=actor, customer_id=customer_id, start=start, end=end, client_ip=client_ip)
    services = []
    for service in Service.values:
        starts, durations, values = usage_arrays(blocks, start, end, service)
        if not len(starts):
            continue
        months = use_by_month(blocks, service)
        latest = max(months)
        rows = []
        for month in [_months_back(latest, k) for k in range(11, -1, -1)]:
            before = months.get(year_before(month))
            if month == this_month and before is not None:
                days = (
                    datetime.fromtimestamp(int(starts[-1] + durations[-1] - 1), LOCAL).date()
                    - date(now.year, now.month, 1)
                ).days
                lo, hi = same_days_last_year(month, days + 1)
                s, _, v = usage_arrays(blocks, lo, hi, service)
                before = float(v.sum()) if len(s) else None
            now_used = months.get(month)
            change = round(100 * (now_used - before) / before) if now_used is not None and before else None
            rows.append(
                {
                    "month": date(int(month[:4]), int(month[5:]), 1),
                    "amount": now_used,
                    "before": before,
                    "change": None if change is None else abs(change),
                    "direction": _direction(change),
                    "so_far": month == this_month,
                }
            )
        both = [r for r in rows if r["amount"] is not None and r["before"] is not None]
        now_sum, before_sum = sum(r["amount"] for r in both), sum(r["before"] for r in both)
        services.append(
            {
                "service": service,
                "name": SERVICE_WORDS[service],
                "unit": UNIT_WORDS[service],
                "rows": rows,
                "compared": len(both),
                "now": now_sum,
                "before": before_sum,
            }
        )
    return {"services": services} if services else None


def _direction(change: int | None) -> str:
    return "" if change is None else "more" if change > 0 else "less" if change < 0 else "same"


def _months_back(month: str, count: int) -> str:
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + mon - 1 - count
    return f"{index // 12}-{index % 12 + 1:02d}"
