"""Accuracy challenges (Minn. Stat. § 13.04 subd. 4): within 30 days either correct the data and notify
past recipients (and any the customer names), or explain why the data is correct."""

from dataclasses import dataclass

from django.db import transaction

from custodian.casework.models import CustomerRequest, RequestKind, RequestStatus
from custodian.casework.services import RequestError, request_close
from custodian.disclosures.models import CorrectionNotice
from custodian.disclosures.selectors import past_recipients
from custodian.policy.loader import current_policy
from custodian.staff.selectors import services_of
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission, personal_data_record


@dataclass
class NamedRecipient:
    name: str
    address: str = ""


def _check(request: CustomerRequest, by) -> None:
    if request.kind != RequestKind.CORRECTION or request.status != RequestStatus.OPEN:
        raise RequestError("only an open correction request can be answered this way")
    if request.owning_service not in services_of(by):
        raise RequestError("only the service that owns the request can answer it")


@transaction.atomic
def correction_apply(
    *, request: CustomerRequest, by, values: dict[str, str], named: list[NamedRecipient] = (), note: str = ""
) -> list[CorrectionNotice]:
    """Store the corrected values (provenance: the customer's challenge, recorded by `by`), notify every
    past recipient of those categories from the disclosure accounting and everyone the customer named,
    and close the request. Returns the notices."""
    _check(request, by)
    policy = current_policy()
    values = {f: v for f, v in values.items() if v is not None and str(v).strip()}
    if not values:
        raise RequestError("a correction needs at least one corrected value")
    categories = set()
    for field in values:
        category = policy.category_for_field(field)
        if category is None or category == "correspondence":
            raise RequestError(f"{field!r} is not a correctable item")
        categories.add(category)
    # A corrected value is the same data, put right: it keeps the notice it was collected under (the
    # purposes it may be read for do not change), and says it came from the customer's challenge.
    collected = PersonalValue.objects.filter(
        customer_id=request.customer_id, field__in=list(values), superseded_at__isnull=True
    ).values_list("field", "provenance__notice_key", "provenance__notice_version")
    notice_of = {f: (key, version) for f, key, version in collected if key}
    fallback = (current_policy().notice_at("staff_intake", RequestKind.CORRECTION).key, "")
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for f, v in values.items():
        groups.setdefault(notice_of.get(f, fallback), {})[f] = v
    for (notice_key, notice_version), part in groups.items():
        submission = Submission(
            channel=request.channel,
            notice_key=notice_key,
            notice_version=notice_version,
            recorded_by=by,
            recorded_by_label=by.get_full_name() or by.get_username(),
            note=f"correction request #{request.pk}",
        )
        personal_data_record(customer=request.customer, values=part, submission=submission)
    notices = [
        CorrectionNotice(
            request=request,
            customer=request.customer,
            recipient_name=name,
            recipient_address=address,
            categories=",".join(sorted(cats)),
            source="accounting",
        )
        for name, address, cats in past_recipients(request.customer_id, categories)
    ]
    notices += [
        CorrectionNotice(
            request=request,
            customer=request.customer,
            recipient_name=r.name.strip(),
            recipient_address=r.address.strip(),
            categories=",".join(sorted(categories)),
            source="customer",
        )
        for r in named
        if r.name.strip()
    ]
    CorrectionNotice.objects.bulk_create(notices)
    request_close(
        request=request,
        by=by,
        reason=note or f"corrected {', '.join(sorted(categories))}; {len(notices)} recipient(s) to notify",
    )
    return notices


@transaction.atomic
def correction_decline(*, request: CustomerRequest, by, explanation: str) -> CustomerRequest:
    """The data is correct: close the request with the explanation the customer receives."""
    _check(request, by)
    if len(explanation.strip()) < 20:
        raise RequestError("explain to the customer why the data is correct (at least a sentence)")
    return request_close(request=request, by=by, reason=f"data is correct: {explanation.strip()}")
