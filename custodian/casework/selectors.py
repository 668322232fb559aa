from custodian.casework.models import CustomerRequest, RequestStatus


def open_request_of(*, request_id, services: frozenset[str]) -> CustomerRequest | None:
    """The request, if it is open and one of `services` owns it; else None."""
    if request_id is None or not services:
        return None
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        return None
    return CustomerRequest.objects.filter(
        pk=request_id, status=RequestStatus.OPEN, owning_service__in=services
    ).first()


def open_request_for(*, request_id, customer_id, services: frozenset[str]) -> CustomerRequest | None:
    """The request, if it is open, is the customer's, and one of `services` owns it; else None."""
    request = open_request_of(request_id=request_id, services=services)
    return request if request is not None and request.customer_id == customer_id else None
