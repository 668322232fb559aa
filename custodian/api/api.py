"""The JSON API at /api/v1 (OpenAPI docs at /api/v1/docs). Every customer read goes through the gate."""

from datetime import datetime

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from custodian.api.models import ApiToken
from custodian.api.services import hash_token
from custodian.audit.selectors import access_events
from custodian.policy.loader import current_policy
from custodian.vault import gate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at=None)
            .first()
        )
        if found is None:
            return None
        if found.kind == "staff":
            if found.user is None or not found.user.is_active:
                return None
            return gate.staff_actor(found.user)
        if found.kind == "system":
            return gate.system_actor(found.job)
        return gate.vendor_actor(f"token-{found.pk}", found.vendor_function, found.name)


api = NinjaAPI(
    title="Custodian API",
    version="1",
    description="Customer data of the utility, read only through the privacy gate. Every read is logged.",
    auth=TokenAuth(),
)


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class ErrorOut(Schema):
    detail: str


class LookupOut(Schema):
    customer_ids: list[int]


class RevealIn(Schema):
    fields: list[str]
    purpose: str
    request_id: int | None = None


class RevealOut(Schema):
    customer_id: int
    purpose: str
    values: dict[str, str]


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor_kind: str
    actor_id: str
    actor_label: str
    roles: str
    purpose: str
    request_id: str
    customer_id: str
    categories: list[str]
    decision: str
    reason: str
    client_ip: str

    @staticmethod
    def resolve_categories(obj):
        return obj.category_list


class EventFilter(Schema):
    customer_id: int | None = None
    actor_id: str | None = None
    purpose: str | None = None
    decision: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


@api.exception_handler(gate.Denied)
def denied(request, exc):
    return api.create_response(request, {"detail": gate.NOT_FOUND_OR_DENIED}, status=404)


@api.get("/customers/lookup", response={200: LookupOut, 404: ErrorOut}, tags=["customers"])
def lookup(request, field: str, value: str, purpose: str):
    """Find customers by exact e-mail, phone or account number (blind index; nothing is decrypted)."""
    ids = gate.find_customers(
        actor=request.auth, field=field, value=value, purpose=purpose, client_ip=_ip(request)
    )
    return {"customer_ids": ids}


@api.post("/customers/{customer_id}/reveal", response={200: RevealOut, 404: ErrorOut}, tags=["customers"])
def reveal(request, customer_id: int, body: RevealIn):
    """Plaintext of the named fields for the purpose (and open request), if the policy allows."""
    values = gate.reveal(
        actor=request.auth,
        customer_id=customer_id,
        fields=body.fields,
        purpose=body.purpose,
        request_id=body.request_id,
        client_ip=_ip(request),
    )
    return {"customer_id": customer_id, "purpose": body.purpose, "values": values}


@api.get("/access-events", response={200: list[EventOut], 403: ErrorOut}, tags=["access log"])
def list_access_events(request, filters: Query[EventFilter]):
    """The access log, for the staff who review access (the privacy officer)."""
    actor = request.auth
    policy = current_policy()
    if actor.kind != "staff" or not any(
        policy.services[s].reviews_access for s in actor.services if s in policy.services
    ):
        raise HttpError(403, "Only the privacy officer reviews the access log.")
    return list(access_events(**filters.dict()))
