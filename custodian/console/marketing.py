"""Marketing audiences: contact categories only, read through the gate for purpose marketing, every
customer who opted out left out before anything is read (and refused by the gate if one slipped in)."""

from dataclasses import dataclass

from custodian.audit.actions import Action
from custodian.customers.selectors import customers_matching
from custodian.vault.gate import Actor, reveal_many
from custodian.vault.services import opted_out_customer_ids

AUDIENCE_FIELDS = ("name", "email", "mailing_address")


@dataclass(frozen=True)
class AudienceFilter:
    customer_class: str = ""
    service: str = ""
    zip_code: str = ""


def audience_candidates(f: AudienceFilter) -> list[int]:
    return customers_matching(customer_class=f.customer_class, service=f.service, zip_code=f.zip_code)


def audience_count(f: AudienceFilter) -> tuple[int, int]:
    """(customers who may be contacted, customers left out because they opted out); nothing is revealed."""
    ids = audience_candidates(f)
    out = opted_out_customer_ids(ids)
    return len(ids) - len(out), len(out)


def audience_build(*, actor: Actor, f: AudienceFilter, client_ip: str = "", chunk: int = 2000) -> list[dict]:
    """The audience's contact details; one access event per customer, purpose marketing."""
    ids = audience_candidates(f)
    excluded = opted_out_customer_ids(ids)
    ids = [cid for cid in ids if cid not in excluded]
    rows = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        values = reveal_many(
            actor=actor,
            customer_ids=part,
            fields=AUDIENCE_FIELDS,
            purpose="marketing",
            client_ip=client_ip,
            action=Action.MARKETING_AUDIENCE,
        )
        rows += [{"customer_id": cid, **values[cid]} for cid in part]
    return rows
