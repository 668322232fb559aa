"""Marketing audiences: contact categories only, read through the gate for purpose marketing, every
customer who opted out, and every customer whose details were given under a notice that did not name
marketing (and who did not opt in), left out before anything is read (and refused by the gate if one
slipped in)."""

from dataclasses import dataclass

from custodian.audit.actions import Action
from custodian.customers.selectors import customers_matching
from custodian.vault.gate import Actor, reveal_many
from custodian.vault.notice_rule import notice_uncovered_among
from custodian.vault.services import opted_out_customer_ids

AUDIENCE_FIELDS = ("name", "email", "mailing_address")


@dataclass(frozen=True)
class AudienceFilter:
    customer_class: str = ""
    service: str = ""
    zip_code: str = ""


def audience_candidates(f: AudienceFilter) -> list[int]:
    return customers_matching(customer_class=f.customer_class, service=f.service, zip_code=f.zip_code)


def _left_out(ids: list[int]) -> tuple[set[int], set[int]]:
    """(opted out, given under a notice that did not name marketing and not opted in)."""
    opted_out = opted_out_customer_ids(ids)
    rest = [cid for cid in ids if cid not in opted_out]
    return opted_out, notice_uncovered_among(customer_ids=rest, fields=AUDIENCE_FIELDS, purpose="marketing")


def audience_count(f: AudienceFilter) -> tuple[int, int, int]:
    """(customers who may be contacted, left out because they opted out, left out because their details
    were given under a notice that did not name marketing); nothing is revealed."""
    ids = audience_candidates(f)
    opted_out, uncovered = _left_out(ids)
    return len(ids) - len(opted_out) - len(uncovered), len(opted_out), len(uncovered)


def audience_build(*, actor: Actor, f: AudienceFilter, client_ip: str = "", chunk: int = 2000) -> list[dict]:
    """The audience's contact details; one access event per customer, purpose marketing. A file of many
    customers' contact details is the read an insider would take: it counts towards the marketer's hourly
    limit and past it waits for the privacy officer's approval (`gate.Held`)."""
    ids = audience_candidates(f)
    opted_out, uncovered = _left_out(ids)
    ids = [cid for cid in ids if cid not in opted_out and cid not in uncovered]
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
            hourly_limit=True,
        )
        rows += [{"customer_id": cid, **values[cid]} for cid in part]
    return rows
