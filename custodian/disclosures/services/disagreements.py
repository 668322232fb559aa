"""Statements of disagreement (Minn. Stat. § 13.04 subd. 4(a)): when the utility finds challenged data
accurate and complete, the customer may have a statement of disagreement kept with it; the data in dispute
is then disclosed only with the statement. The statement is sealed as the customer's correspondence."""

from django.db import transaction
from django.utils.translation import gettext as _

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.disclosures.models import Disagreement
from custodian.disclosures.services.accounting import AccountingError, categories_checked
from custodian.vault.gate import Denied, reveal_documents, system_actor
from custodian.vault.services import Submission, document_seal

DISAGREEMENT_REF_PREFIX = "disagreement:"


@transaction.atomic
def disagreement_record(
    *, customer_id: int, request_id: int, categories, statement: str, submission: Submission
) -> Disagreement:
    """Keep the customer's statement with the data it concerns (sealed), and log the change."""
    cats = categories_checked(categories)
    text = statement.strip()
    if len(text) < 10:
        raise AccountingError(_("a statement of disagreement says what the customer disagrees with"))
    kept = Disagreement.objects.filter(request_id=request_id).count()
    ref = f"{DISAGREEMENT_REF_PREFIX}{request_id}:{kept + 1}"
    document_seal(
        customer_id=customer_id,
        category="correspondence",
        ref=ref,
        content=text.encode("utf-8"),
        media_type="text/plain",
        filename="statement-of-disagreement.txt",
        submission=submission,
    )
    found = Disagreement.objects.create(
        customer_id=customer_id, request_id=request_id, categories=",".join(cats), sealed_ref=ref
    )
    append_change(
        action=Action.DISAGREEMENT_RECORDED,
        actor_kind="customer" if submission.recorded_by is None else "staff",
        actor_id=str(customer_id if submission.recorded_by is None else submission.recorded_by.pk),
        actor_label=submission.recorded_by_label,
        customer_ids=[customer_id],
        categories=cats,
        reason=f"statement of disagreement with request #{request_id}",
        request_id=str(request_id),
    )
    return found


def disagreements_about(customer_ids, categories) -> list[Disagreement]:
    """The statements on file for these customers about any of these categories (nothing opened)."""
    cats, ids = set(categories), {int(c) for c in customer_ids}
    if not ids:
        return []
    # Asked by the ids' range and kept by membership here: an export asks this for thousands of customers a
    # chunk, few of whom have a statement, and a long IN list costs more to build than the answer.
    in_range = Disagreement.objects.filter(customer_id__gte=min(ids), customer_id__lte=max(ids))
    return [
        d
        for d in in_range.order_by("recorded_at", "pk")
        if d.customer_id in ids and cats & set(d.category_list)
    ]


def disagreement_texts(*, customer_ids, categories, on_behalf_of=None, client_ip: str = "") -> list[dict]:
    """The statements about the data being disclosed, read through the gate as the disclosures job for
    legal obligations: [{customer, data, recorded_at, statement}]."""
    out = []
    by_customer: dict[int, list[Disagreement]] = {}
    for d in disagreements_about(customer_ids, categories):
        by_customer.setdefault(d.customer_id, []).append(d)
    for cid, found in by_customer.items():
        try:
            docs = {
                doc.ref: doc.text
                for doc in reveal_documents(
                    actor=system_actor("disclosures", on_behalf_of=on_behalf_of),
                    customer_id=cid,
                    category="correspondence",
                    ref_prefix=DISAGREEMENT_REF_PREFIX,
                    refs=[d.sealed_ref for d in found],  # only the statements about the data disclosed
                    purpose="legal_obligations",
                    client_ip=client_ip,
                )
            }
        except Denied:
            docs = {}
        out += [
            {
                "customer": cid,
                "data": d.category_list,
                "recorded_at": d.recorded_at.isoformat(),
                "statement": docs.get(d.sealed_ref, "(the statement is no longer held)"),
            }
            for d in found
        ]
    return out
