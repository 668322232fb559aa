"""The JSON API at /api/v1 (OpenAPI docs at /api/v1/docs). Every customer read goes through the gate.

Every error's `detail` is worded in the caller's language (`custodian.web.languages`: `?lang=`, else the
Accept-Language header, else English), as the portal's pages are: the gate's refusals and holds by their
words, the API's own messages marked for translation where they are written. What the schema refuses (422)
keeps pydantic's own English beside its `type` and `loc`, which say the same to a program.

One module (over 400 lines) on purpose: django-ninja's `NinjaAPI` is one object, and every operation, the
answers its schema lists and the handlers that give them are read together, as the schema publishes them."""

import json
import logging
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import Field, model_validator

from custodian.api.selectors import token_actor
from custodian.audit.selectors import ACTOR_KINDS, access_events
from custodian.bounds import ApiDateTime, ApiId
from custodian.customers.selectors import customer_for
from custodian.disclosures.exports import ExportRefused, export_dir, vendor_export_run
from custodian.disclosures.selectors import accounting_summary, export_done_for, vendor_for
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access
from custodian.staff.services import access_log_read_append
from custodian.vault import gate
from custodian.vault.masking import masked
from custodian.vault.normalize import BLIND_INDEXED_FIELDS


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        # Decided on every request: a revoked vendor or a departed staff member is out at once.
        return token_actor(token)


logger = logging.getLogger(__name__)


class BodyRefused(ValueError):
    """A request body the API can't take, with what is wrong with it in words."""


class StrictJsonParser(Parser):
    """django-ninja's JSON parser, refusing text that is not Unicode: JSON's escapes can spell an unpaired
    surrogate (`"\\ud800"`), which Python decodes into a string no UTF-8 column, file or log line takes.
    Refused here, with the reason, rather than failing wherever the string is first written."""

    def parse_body(self, request: HttpRequest):
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BodyRefused(_("The body is not JSON: %(error)s.") % {"error": exc}) from exc
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BodyRefused(
                _(
                    "The body holds a character that is not Unicode text (an unpaired surrogate such as "
                    "\\ud800)."
                )
            ) from exc
        return data


api = NinjaAPI(
    title="Custodian API",
    version="1",
    description=(
        "Customer data of the utility, read only through the privacy gate. Every read is logged. Bank "
        "details (`bank_account`) are answered masked, every digit but the last four hidden, as the staff "
        "console shows them: no task of staff needs the whole number, which only the bank's debit file "
        "carries."
    ),
    auth=TokenAuth(),
    parser=StrictJsonParser(),
)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # django-ninja words every body it can't parse alike ("Cannot parse request body"); ours says why. Its
    # refusal of a token ("Unauthorized") is said in the caller's language too; ours are worded when raised.
    cause = exc.__cause__
    if isinstance(cause, BodyRefused):
        detail = str(cause)
    elif isinstance(exc, AuthenticationError):
        detail = _("An API token is needed: none was sent, or it is unknown, revoked or expired.")
    else:
        detail = str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Exception)
def server_error(request, exc):
    # A client of a JSON API gets JSON, also when the fault is ours; the traceback goes to the server's log.
    # Django's own refusals keep their statuses.
    if isinstance(exc, PermissionDenied):
        return api.create_response(request, {"detail": _("Not allowed.")}, status=403)
    if isinstance(exc, SuspiciousOperation):
        return api.create_response(
            request, {"detail": _("The request was refused as malformed.")}, status=400
        )
    logger.exception("API request failed: %s %s", request.method, request.path)
    return api.create_response(
        request, {"detail": _("Something went wrong on our side; it is logged.")}, status=500
    )


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    """What a request the schema refuses is answered (422): each field that is wrong, where, and why."""

    detail: list[dict] = Field(description="one entry per error: `type`, `loc` (where), `msg` (why)")


# What every operation may answer besides its own (the OpenAPI schema lists them on each): no token, or
# one that is invalid, revoked or expired (401); a parameter or body the schema refuses (422); a fault on
# our side, logged (500). An operation that reads a body may also answer a body that is not JSON (400) or
# is over DATA_UPLOAD_MAX_MEMORY_SIZE (413).
EVERY_OPERATION = {401: ErrorOut, 422: InvalidOut, 500: ErrorOut}
WITH_A_BODY = {**EVERY_OPERATION, 400: ErrorOut, 413: ErrorOut}
# A read the gate holds for approval (403) or of data destroyed under the retention schedule (410).
GATE_SAYS = {403: ErrorOut, 410: ErrorOut}


class LookupOut(Schema):
    customer_ids: list[int]


def _policy_names(*, fields: list[str], purpose: str, lookup: bool = False) -> None:
    """A field or purpose the policy does not name is the request's own mistake, said as such (422): the
    names are public in the policy, so saying which is unknown tells nothing about any customer. Whether
    the customer exists or may be read stays the gate's one answer."""
    policy = current_policy()
    unknown = [f for f in fields if policy.category_for_field(f) is None]
    if unknown:
        raise ValueError(
            f"unknown field {unknown[0]!r}; the policy's fields: {', '.join(policy.field_to_category)}"
        )
    if lookup and fields[0] not in BLIND_INDEXED_FIELDS:
        raise ValueError(f"no lookup by {fields[0]!r}; look up by {', '.join(sorted(BLIND_INDEXED_FIELDS))}")
    if purpose not in policy.purposes:
        raise ValueError(f"unknown purpose {purpose!r}; the policy's purposes: {', '.join(policy.purposes)}")


class RevealIn(Schema):
    fields: list[str] = Field(min_length=1)
    purpose: str
    request_id: ApiId | None = None

    @model_validator(mode="after")
    def _named_by_the_policy(self):
        _policy_names(fields=self.fields, purpose=self.purpose)
        return self


class RevealOut(Schema):
    customer_id: int
    purpose: str
    values: dict[str, str] = Field(
        description="each field asked for and its value; `bank_account` masked to its last four digits "
        "(`routing ••••••••• account •••••6789`)"
    )


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
    on_behalf_of: str
    own_request: str

    @staticmethod
    def resolve_categories(obj):
        return obj.category_list


class EventFilter(Schema):
    customer_id: ApiId | None = None
    actor_kind: Literal[ACTOR_KINDS] | None = None
    actor_id: str | None = Field(None, max_length=64, description="needs actor_kind: ids of kinds differ")
    purpose: str | None = None
    own_request: bool = False
    decision: str | None = None
    since: ApiDateTime | None = None
    until: ApiDateTime | None = None
    limit: int = Field(100, ge=1, le=1000)

    @model_validator(mode="after")
    def _id_with_its_kind(self):
        if self.actor_id and not self.actor_kind:
            raise ValueError("actor_id needs actor_kind (staff, customer, system or vendor)")
        return self


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = _("The body is over %(limit)s bytes.") % {"limit": f"{limit:,}"}
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(gate.Denied)
def denied(request, exc):
    # Said only to a caller the policy allows to read that customer for the purpose: what became of the data
    # (destroyed under the retention schedule) or why the read waits (held for approval), in their language.
    if isinstance(exc, gate.Destroyed):
        return api.create_response(request, {"detail": str(exc)}, status=410)
    if isinstance(exc, gate.Held):
        return api.create_response(request, {"detail": gate.held_in_words(exc)}, status=403)
    return api.create_response(request, {"detail": _(gate.NOT_FOUND_OR_DENIED)}, status=404)


class LookupIn(Schema):
    field: str
    value: str
    purpose: str
    request_id: ApiId | None = None

    @model_validator(mode="after")
    def _named_by_the_policy(self):
        _policy_names(fields=[self.field], purpose=self.purpose, lookup=True)
        return self


@api.post(
    "/customers/lookup",
    response={200: LookupOut, 404: ErrorOut, **GATE_SAYS, **WITH_A_BODY},
    tags=["customers"],
)
def lookup(request, body: LookupIn):
    """Find customers by exact e-mail, phone or account number (blind index; nothing is decrypted).

    A POST, so the value never lands in a URL, a server log or a proxy's cache. For a request-driven purpose,
    name the open request your service owns: only its customer can be found. Vendors don't look up.
    """
    ids = gate.find_customers(
        actor=request.auth,
        field=body.field,
        value=body.value,
        purpose=body.purpose,
        request_id=body.request_id,
        client_ip=client_ip(request),
    )
    return {"customer_ids": ids}


@api.post(
    "/customers/{customer_id}/reveal",
    response={200: RevealOut, 404: ErrorOut, **GATE_SAYS, **WITH_A_BODY},
    tags=["customers"],
)
def reveal(request, customer_id: ApiId, body: RevealIn):
    """Plaintext of the named fields for the purpose (and open request), if the policy allows; bank details
    masked to their last four digits, as the console shows them (custodian.vault.masking). Vendors never
    read customers one by one: they receive their exports."""
    values = gate.reveal(
        actor=request.auth,
        customer_id=customer_id,
        fields=body.fields,
        purpose=body.purpose,
        request_id=body.request_id,
        client_ip=client_ip(request),
    )
    return {"customer_id": customer_id, "purpose": body.purpose, "values": masked(values)}


@api.get(
    "/access-events",
    response={200: list[EventOut], 403: ErrorOut, **EVERY_OPERATION},
    tags=["access log"],
)
def list_access_events(request, filters: Query[EventFilter]):
    """The access log, for the staff who review access (the privacy officer)."""
    if not _reviews(request.auth):
        raise HttpError(403, _("Only the privacy officer reviews the access log."))
    asked = filters.dict()
    events = list(access_events(**asked))
    access_log_read_append(by=request.auth.user, filters=asked, rows=len(events))
    return events


def _reviews(actor) -> bool:
    return actor.kind == "staff" and reviews_access(actor.services)


class DisclosureSummaryOut(Schema):
    recipient: str
    address: str
    purpose: str
    data: str
    basis: str
    first: datetime
    last: datetime
    times: int


@api.get(
    "/customers/{customer_id}/disclosures",
    response={200: list[DisclosureSummaryOut], 404: ErrorOut, **EVERY_OPERATION},
    tags=["disclosures"],
)
def customer_disclosures(request, customer_id: ApiId):
    """The customer's accounting of disclosures, repeated ones summarized (the privacy officer)."""

    if not _reviews(request.auth) or customer_for(fetched_by=request.auth, customer_id=customer_id) is None:
        return Status(404, {"detail": _(gate.NOT_FOUND_OR_DENIED)})
    return accounting_summary(fetched_by=request.auth, customer_id=customer_id)


class ExportIn(Schema):
    mailing: str = Field(
        "", max_length=300, description="what is being mailed (a mailing that is not marketing)"
    )
    customers: list[ApiId] = Field(
        default_factory=list, max_length=100_000, description="the customers it is mailed to"
    )


class ExportOut(Schema):
    id: int
    vendor: str
    function: str
    status: str
    rows: int
    sha256: str
    sealed_key: str


def _export_out(e):
    return {
        "id": e.pk,
        "vendor": e.vendor.name,
        "function": e.function,
        "status": e.status,
        "rows": e.rows,
        "sha256": e.sha256,
        "sealed_key": e.sealed_key,
    }


@api.post(
    "/vendors/{vendor_id}/exports",
    response={200: ExportOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, **WITH_A_BODY},
    tags=["disclosures"],
)
def vendor_export_create(
    request, vendor_id: ApiId, for_marketing: bool = False, body: ExportIn | None = None
):
    """Run an export for a vendor (the privacy officer): refused without a current determination. A mailing
    that is not marketing names what is mailed (`mailing`) and to whom (`customers`): nobody else is sent."""

    if not _reviews(request.auth):
        raise HttpError(403, _("Only the privacy officer runs vendor exports."))
    vendor = vendor_for(fetched_by=request.auth, vendor_id=vendor_id)
    if vendor is None:
        return Status(404, {"detail": _("No such vendor.")})
    try:
        export = vendor_export_run(
            vendor=vendor,
            requested_by=request.auth.user,
            for_marketing=for_marketing,
            mailing=body.mailing if body else "",
            customer_ids=list(body.customers) if body and body.customers else None,
        )
    except ExportRefused as exc:
        return Status(409, {"detail": _("Refused: %(reason)s") % {"reason": exc}})
    return _export_out(export)


@api.get(
    "/exports/{export_id}/file",
    response={200: None, 404: ErrorOut, **EVERY_OPERATION},
    tags=["disclosures"],
    # The file itself, not JSON: said here, since a response schema of django-ninja describes JSON only.
    openapi_extra={
        "responses": {
            200: {
                "description": "The export file, encrypted to the vendor's public key",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                "headers": {
                    "X-Export-Sealed-Key": {
                        "description": "the file's key, sealed to the vendor's public key (base64)",
                        "schema": {"type": "string"},
                    },
                    "X-Export-Sha256": {
                        "description": "the SHA-256 of the file as sent, in hexadecimal",
                        "schema": {"type": "string"},
                    },
                },
            }
        }
    },
)
def vendor_export_file(request, export_id: ApiId):
    """The encrypted export file, for the vendor it was made for (its token), and nobody else."""

    actor = request.auth
    export = export_done_for(fetched_by=actor, export_id=export_id)  # a vendor's own only, here
    if export is None or actor.kind != "vendor":
        return Status(404, {"detail": _("No such export.")})
    response = FileResponse(
        open(export_dir() / export.file_name, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=export.file_name,
    )
    response["X-Export-Sealed-Key"] = export.sealed_key
    response["X-Export-Sha256"] = export.sha256
    return response
