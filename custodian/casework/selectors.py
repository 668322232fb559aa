from datetime import timedelta

from django.utils import timezone

from custodian.casework.choices import RepresentativeScope, RequestKind, RequestStatus
from custodian.casework.models import CustomerRequest, Representative, RequestEvent
from custodian.casework.representatives import REGISTERING_SERVICES
from custodian.rows import CompiledRead
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


def representative_for(*, fetched_by: Actor, representative_id) -> Representative | None:
    """The representative's record, if `fetched_by` registers representatives (customer service, the privacy
    officer). Else None, the same for one that does not exist."""
    if not REGISTERING_SERVICES & fetched_by.services:
        return None
    return Representative.objects.filter(pk=representative_id).first()


QUEUE_ORDERS = {
    "due": ("due_on", "opened_at", "pk"),
    "oldest": ("opened_at", "pk"),
    "newest": ("-opened_at", "-pk"),
    "kind": ("kind", "due_on", "pk"),
}
SOON_DAYS = 2  # "due soon": within this many days, as the console's service-level colours say


def request_list(
    *,
    fetched_by: Actor,
    customer_id: int | None = None,
    kind: str = "",
    channel: str = "",
    due: str = "",
    assigned: str = "",
    order: str = "due",
):
    """The open requests that `fetched_by`'s support services own (of one customer, if given), the earliest
    due first unless `order` says otherwise (a key of QUEUE_ORDERS); narrowed to a `kind`, a `channel`,
    those `due` "overdue" or "soon" (overdue included), or those `assigned` to "me" (the asker) or to
    "nobody"."""
    found = CustomerRequest.objects.filter(
        status=RequestStatus.OPEN, owning_service__in=fetched_by.services
    ).select_related("opened_by", "assigned_to")
    if assigned == "me":
        found = found.filter(assigned_to_id=int(fetched_by.id) if fetched_by.kind == "staff" else None)
    elif assigned == "nobody":
        found = found.filter(assigned_to__isnull=True)
    if customer_id is not None:
        found = found.filter(customer_id=customer_id)
    if kind:
        found = found.filter(kind=kind)
    if channel:
        found = found.filter(channel=channel)
    today = timezone.localdate()
    if due == "overdue":
        found = found.filter(due_on__lt=today)
    elif due == "soon":
        found = found.filter(due_on__lte=today + timedelta(days=SOON_DAYS))
    return found.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["due"]))


# A customer's requests are kept as their correspondence (what they asked, our replies and answers, as a data
# request's answer and the download give them): a representative lists them only where the authority covers
# it, as the portal's pages of requests ask (`portal.access.PAGE_CATEGORIES`).
REQUESTS_CATEGORY = "correspondence"


def requests_of_customer(*, fetched_by: Actor, customer_id: int):
    """The customer's own requests, newest first, for the portal's "My requests" and home (nothing personal
    in them: kind, channel, dates, status, how they were verified, the answer's letter): for the customer
    themself, or their representative whose authority lets them make requests and covers the customer's
    correspondence; none for anyone else."""
    if not fetched_by.reads_own(customer_id, category=REQUESTS_CATEGORY, scope=RepresentativeScope.REQUESTS):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.filter(customer_id=customer_id).order_by("-opened_at", "-pk")


def own_requests_only(rep: Representative | None) -> bool:
    """Whether the representative acting (None: the customer themself) follows only the requests she made
    herself: her authority does not cover the customer's correspondence, as which their other requests are
    kept (`requests_made_by`, on "My requests" and the portal's home alike)."""
    return rep is not None and REQUESTS_CATEGORY not in rep.category_list


def requests_made_by(*, fetched_by: Actor, rep: Representative):
    """The requests a representative made herself under this authority, newest first, for her "My requests"
    when her authority does not cover the customer's correspondence (the customer's own requests stay behind
    it): for her, whose authority lets her make requests; none for anyone else."""
    if not fetched_by.reads_own(rep.customer_id, scope=RepresentativeScope.REQUESTS):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.filter(customer_id=rep.customer_id, representative=rep).order_by(
        "-opened_at", "-pk"
    )


OPEN_REQUESTS_SHOWN = 5  # on the portal's home: the newest; "My requests" lists them all

# The open requests of every portal home, read by a query compiled once per process (compiling it cost more
# than running it).
_OPEN_REQUESTS = CompiledRead(
    lambda customer_id: CustomerRequest.objects.filter(
        customer_id=customer_id, status=RequestStatus.OPEN
    ).order_by("-opened_at", "-pk")[:OPEN_REQUESTS_SHOWN],
    customer_id=int,
)


def open_requests_of_customer(*, fetched_by: Actor, customer_id: int) -> list[CustomerRequest]:
    """The customer's newest open requests (`requests_of_customer`'s, as the portal's home lists them), for
    the same askers; none for anyone else."""
    if not fetched_by.reads_own(customer_id, category=REQUESTS_CATEGORY, scope=RepresentativeScope.REQUESTS):
        return []
    return _OPEN_REQUESTS.rows(customer_id=customer_id)


def open_requests_made_by(*, fetched_by: Actor, rep: Representative) -> list[CustomerRequest]:
    """The newest open requests a representative made herself under this authority (`requests_made_by`'s, as
    the portal's home lists them), for the same asker; none for anyone else."""
    return list(
        requests_made_by(fetched_by=fetched_by, rep=rep).filter(status=RequestStatus.OPEN)[
            :OPEN_REQUESTS_SHOWN
        ]
    )


def replies_of(*, request_ids) -> dict[int, list[int]]:
    """The outbox records of the replies sent on these requests, oldest first, by request."""
    found: dict[int, list[int]] = {}
    for request_id, message_id in (
        RequestEvent.objects.filter(request_id__in=list(request_ids), action="replied", message__isnull=False)
        .order_by("at", "pk")
        .values_list("request_id", "message_id")
    ):
        found.setdefault(request_id, []).append(message_id)
    return found


def subject_requests_open(*, fetched_by: Actor):
    """Customers' open requests about their own data (access, correction, privacy questions), the earliest
    due first, for the privacy officer who watches their deadlines; none for anyone else."""
    if not reviews_access(fetched_by.services):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.filter(
        status=RequestStatus.OPEN,
        kind__in=[RequestKind.DATA_ACCESS, RequestKind.CORRECTION, RequestKind.PRIVACY_QUESTION],
    ).order_by("due_on")
