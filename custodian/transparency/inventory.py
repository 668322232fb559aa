"""The public inventory of private data on individuals (Minn. Stat. § 13.025 subd. 1), generated from the
policy file: the responsible authority, each category of data with its classification, why it is kept, who
may see it, which vendors receive it, and how long it is kept (the retention schedule's items); in the
active language (the policy file's words in it, the schedule's name as it is written)."""

from django.utils.translation import gettext as _

from custodian.policy.loader import current_policy


def data_inventory() -> dict:
    policy = current_policy()
    purposes = [p.in_language() for p in policy.purposes.values()]
    services = [s.in_language() for s in policy.services.values()]
    functions = [v.in_language() for v in policy.vendor_functions.values()]
    return {
        "entity": policy.utility["name"],
        "address": policy.utility["address"],
        "responsible_authority": policy.utility["responsible_authority"].in_language(),
        "policy_version": policy.version,
        "effective_date": policy.effective_date.isoformat(),
        "data": [
            {
                "category": c.label,
                "key": c.fides_key,
                "classification": c.classification,
                "purposes": [p.label for p in purposes if c.key in p.categories],
                "who_may_access": [
                    s.label
                    for s in services
                    if any(c.key in policy.purposes[p].categories for p in s.purposes)
                ],
                "vendors": [v.label for v in functions if c.key in v.categories],
            }
            for c in (c.in_language() for c in policy.categories.values())
        ],
        "retention": policy.retention,
        "retention_schedule": [
            {
                "record": item.label,
                "kept": _("%(period)s, counted from %(start)s")
                % {"period": item.period_words(), "start": item.counts_from},
                "then": item.destroys,
                "stays": item.keeps,
                "schedule": item.schedule,
                "schedule_item": item.schedule_item,
                "confirmed": item.confirmed,
            }
            for item in (i.in_language() for i in policy.retention_schedule.values())
        ],
    }
