from custodian.casework.models import CustomerRequest, RequestStatus
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
