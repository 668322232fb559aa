from custodian.casework.models import CustomerRequest, RequestKind, RequestStatus
from custodian.staff.selectors import reviews_access
from custodian.vault.gate import Actor
from custodian.vault.open_requests import OpenRequest


class OpenRequestsInCasework:
    """Casework's answer to the gate's question (`custodian.vault.open_requests.OpenRequests`), registered
    when the app is ready."""

    def open_request_of(self, *, request_id: int, services: frozenset[str]) -> OpenRequest | None:
        found = (
            CustomerRequest.objects.filter(
                pk=request_id, status=RequestStatus.OPEN, owning_service__in=services
            )
            .values_list("pk", "customer_id", "opened_by_id")
            .first()
        )
        return OpenRequest(*found) if found is not None else None


def request_visible_to(*, fetched_by: Actor, request_id) -> CustomerRequest | None:
    """The request with its customer, if `fetched_by` may work on it: their service owns it, or they review
    access. Else None, the same for a request that does not exist."""
    found = CustomerRequest.objects.select_related("customer").filter(pk=request_id).first()
    if found is None or not (
        found.owning_service in fetched_by.services or reviews_access(fetched_by.services)
    ):
        return None
    return found


def request_list(*, fetched_by: Actor, customer_id: int | None = None):
    """The open requests that `fetched_by`'s support services own (of one customer, if given), the earliest
    due first."""
    found = CustomerRequest.objects.filter(status=RequestStatus.OPEN, owning_service__in=fetched_by.services)
    if customer_id is not None:
        found = found.filter(customer_id=customer_id)
    return found.order_by("due_on", "opened_at", "pk")


def subject_requests_open(*, fetched_by: Actor):
    """Customers' open requests about their own data (access, correction, privacy questions), the earliest
    due first, for the privacy officer who watches their deadlines; none for anyone else."""
    if not reviews_access(fetched_by.services):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.filter(
        status=RequestStatus.OPEN,
        kind__in=[RequestKind.DATA_ACCESS, RequestKind.CORRECTION, RequestKind.PRIVACY_QUESTION],
    ).order_by("due_on")
