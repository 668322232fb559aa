"""The public inventory of private data on individuals (Minn. Stat. § 13.025 subd. 1), generated from the
policy file: the responsible authority, each category of data with its classification, why it is kept, who
may see it, which vendors receive it, and how long it is kept (the retention schedule's items)."""

from custodian.policy.loader import current_policy


def data_inventory() -> dict:
    policy = current_policy()
    return {
        "entity": policy.utility["name"],
        "address": policy.utility["address"],
        "responsible_authority": policy.utility["responsible_authority"],
        "policy_version": policy.version,
        "effective_date": policy.effective_date.isoformat(),
        "data": [
            {
                "category": c.label,
                "key": c.fides_key,
                "classification": c.classification,
                "purposes": [p.label for p in policy.purposes.values() if c.key in p.categories],
                "who_may_access": [
                    s.label
                    for s in policy.services.values()
                    if any(c.key in policy.purposes[p].categories for p in s.purposes)
                ],
                "vendors": [v.label for v in policy.vendor_functions.values() if c.key in v.categories],
            }
            for c in policy.categories.values()
        ],
        "retention": policy.retention,
        "retention_schedule": [
            {
                "record": item.label,
                "kept": f"{item.period_text}, counted from {item.counts_from}",
                "then": item.destroys,
                "stays": item.keeps,
                "schedule": item.schedule,
                "schedule_item": item.schedule_item,
                "confirmed": item.confirmed,
            }
            for item in policy.retention_schedule.values()
        ],
    }
