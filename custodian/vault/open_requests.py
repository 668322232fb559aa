"""The one fact the gate needs about customer requests: is this request open, owned by one of these
services, and whose is it. The gate sits below casework, so it defines what it asks (`OpenRequests`) and
casework answers it (`custodian.casework.selectors`, registered when the casework app is ready). Until an
answer is registered every request-driven read is refused: deny by default.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OpenRequest:
    id: int
    customer_id: int | None
    opened_by_id: int | None


class OpenRequests(Protocol):
    def open_request_of(self, *, request_id: int, services: frozenset[str]) -> OpenRequest | None:
        """The request, if it is open and one of `services` owns it; else None."""


_source: OpenRequests | None = None


def register(source: OpenRequests) -> None:
    global _source
    _source = source


def open_request_of(*, request_id, services: frozenset[str]) -> OpenRequest | None:
    """The request, if it is open and one of `services` owns it; else None (also for a malformed id)."""
    if request_id is None or not services or _source is None:
        return None
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        return None
    return _source.open_request_of(request_id=request_id, services=services)


def open_request_for(*, request_id, customer_id, services: frozenset[str]) -> OpenRequest | None:
    """The request, if it is open, is the customer's, and one of `services` owns it; else None."""
    request = open_request_of(request_id=request_id, services=services)
    return request if request is not None and request.customer_id == customer_id else None
