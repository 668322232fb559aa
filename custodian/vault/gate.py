"""The gate: the only way to a customer's personal data in plaintext.

Every read names who asks, which customer(s), which fields and the purpose (and the open request when
the purpose needs one). The decision follows the policy file: the asker's support services must be granted
the purpose, and the purpose must allow every category asked for. Allow and deny both append an event to
the access log in the same transaction as the read: if the event can't be written, nothing is revealed. A
denial is recorded even when the caller's own transaction then rolls back. "No such customer" and "not
allowed" give the same answer to the caller.

This module is the only importer of the decryption primitive (a test fails the build otherwise).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from custodian.audit import events as log
from custodian.audit.events import append_events, append_surviving
from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.netaddr import recorded_address
from custodian.policy.loader import Policy, current_policy
from custodian.staff.selectors import services_of
from custodian.vault import _crypto, interval_files, sealing
from custodian.vault.models import (
    BreakGlassGrant,
    DataDestruction,
    DataKey,
    PersonalValue,
    ReadHold,
    SealedDocument,
)
from custodian.vault.normalize import BLIND_INDEXED_FIELDS, normalize
from custodian.vault.open_requests import open_request_for, open_request_of
from custodian.vault.services import opted_out_customer_ids

NOT_FOUND_OR_DENIED = "No such customer, or not allowed."
MARKETING_PURPOSE = "marketing"
VENDORS_USE_EXPORTS = "vendors receive customer data only in their exports"


def _opted_out(customer_ids) -> set[int]:

    return opted_out_customer_ids(customer_ids)


class Denied(Exception):
    """The one answer for a customer that does not exist and for a read that is not allowed."""

    def __init__(self, reason: str):
        super().__init__(NOT_FOUND_OR_DENIED)
        self.reason = reason  # for the access log only; never shown to the caller


class Destroyed(Denied):
    """The customer's data was destroyed under the retention schedule. Said only to a caller the policy allows
    to read that customer's data for the purpose (anyone else gets the usual Denied), so it tells them what
    became of it instead of failing or showing an empty page."""

    def __init__(self, destruction):
        self.schedule_item = destruction.schedule_item
        self.destroyed_on = timezone.localdate(destruction.destroyed_at)
        item = current_policy().retention_schedule.get(self.schedule_item)
        self.message = (
            f"This customer's data was destroyed on {self.destroyed_on:%B} {self.destroyed_on.day}, "
            f"{self.destroyed_on.year} under retention schedule item {self.schedule_item}"
            + (f" ({item.label}; {item.schedule_item})" if item else "")
            + "."
        )
        Exception.__init__(self, self.message)
        self.reason = _destroyed_reason(destruction)

    def __str__(self):
        return self.message


class Held(Denied):
    """A staff member's read without a request past the policy file's limit per hour: held until a reviewer
    of access approves (the read has not happened). Said only when the read would otherwise be allowed."""

    def __init__(self, reason: str, hold_id: int):
        Exception.__init__(self, reason)
        self.reason, self.hold_id = reason, hold_id

    def __str__(self):
        return self.reason


def _destroyed_reason(destruction) -> str:
    return f"destroyed under retention schedule item {destruction.schedule_item}"


def _destruction(customer_id: int):
    return DataDestruction.objects.filter(customer_id=customer_id).first()


def _destroyed_among(customer_ids: Sequence[int]) -> int:
    where, params = _id_filter("customer_id", customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DataDestruction._meta.db_table} WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


class VaultIntegrityError(Exception):
    """A stored value failed authentication: altered, or moved from another row or field."""


@dataclass(frozen=True)
class Actor:
    kind: str  # staff | customer | system | vendor
    id: str
    label: str
    services: frozenset[str] = frozenset()
    customer_id: int | None = None
    job: str = ""
    vendor_function: str = ""
    on_behalf_of: str = ""  # system jobs and vendor exports: the staff member who started them
    user: object = field(default=None, compare=False, repr=False)


def staff_actor(user) -> Actor:
    return Actor(
        kind="staff", id=str(user.pk), label=user.get_username(), services=services_of(user), user=user
    )


def customer_actor(customer_id: int, label: str = "the customer") -> Actor:
    return Actor(kind="customer", id=str(customer_id), label=label, customer_id=int(customer_id))


def _person(user) -> str:
    return user.get_username() if user is not None else ""


def system_actor(job: str, on_behalf_of=None) -> Actor:
    """A system job; `on_behalf_of` is the staff member who started it (None: a customer's own act, such as
    a portal sign-up, or a scheduled run)."""
    return Actor(kind="system", id=job, label=job, job=job, on_behalf_of=_person(on_behalf_of))


def vendor_actor(vendor_id: str, function: str, label: str = "", on_behalf_of=None) -> Actor:
    """A registered vendor; `on_behalf_of` is the staff member who ran its export."""
    return Actor(
        kind="vendor",
        id=str(vendor_id),
        label=label or str(vendor_id),
        vendor_function=function,
        on_behalf_of=_person(on_behalf_of),
    )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    break_glass_id: str = ""
    own_request: bool = False  # allowed by a request that the reading staff member entered themselves
    hold_id: int | None = None  # held for approval (custodian.vault.models.ReadHold)


def policy_decision(policy: Policy, actor: Actor, purpose: str, categories: Iterable[str]) -> Decision:
    """Role → purpose → categories, from the compiled policy. No database access: pure and fast."""
    p = policy.purposes.get(purpose)
    if p is None:
        return Decision(False, f"unknown purpose {purpose!r}")
    cats = list(categories)
    if actor.kind == "staff":
        grants = policy.service_grants
        for category in cats:
            if not any((s, purpose, category) in grants for s in actor.services):
                return Decision(False, f"no support service of the actor may read {category} for {purpose}")
        return Decision(True, "granted by support service")
    if actor.kind == "customer":
        if purpose not in policy.self_access_purposes:
            return Decision(False, f"customers do not read for {purpose}")
        bad = [c for c in cats if c not in policy.self_access_categories]
        return Decision(not bad, f"not self-accessible: {bad}" if bad else "the customer's own data")
    if actor.kind == "system":
        job = policy.system_jobs.get(actor.job)
        if job is None or purpose not in job.purposes:
            return Decision(False, f"system job {actor.job!r} does not act for {purpose}")
        bad = [c for c in cats if c not in p.categories]
        return Decision(not bad, f"{purpose} does not allow {bad}" if bad else f"system job {actor.job}")
    if actor.kind == "vendor":
        function = policy.vendor_functions.get(actor.vendor_function)
        if function is None or function.purpose != purpose:
            return Decision(False, f"vendor function {actor.vendor_function!r} does not act for {purpose}")
        bad = [c for c in cats if c not in function.categories]
        return Decision(
            not bad, f"function does not need {bad}" if bad else f"vendor function {function.key}"
        )
    return Decision(False, f"unknown actor kind {actor.kind!r}")


def _categories(policy: Policy, fields: Sequence[str]) -> list[str] | None:
    cats = [policy.category_for_field(f) for f in fields]
    return None if any(c is None for c in cats) else cats


def _as_customer_id(customer_id) -> int | None:
    try:
        value = int(customer_id)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _active_break_glass(
    policy: Policy, actor: Actor, customer_id: int, purpose: str
) -> BreakGlassGrant | None:
    """The staff member's current emergency grant for this customer and purpose, while the policy file still
    opens emergency access for that purpose to one of their services."""
    if actor.kind != "staff" or purpose not in policy.emergency_purposes(actor.services):
        return None
    return (
        BreakGlassGrant.objects.filter(
            user_id=int(actor.id), customer_id=customer_id, purpose=purpose, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def _event(
    actor: Actor,
    *,
    action,
    purpose,
    customer_id,
    categories,
    decision,
    reason,
    request_id,
    client_ip,
    bg="",
    own_request=False,
):
    return {
        "action": action,
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_label": actor.label,
        "roles": ",".join(sorted(actor.services)) or actor.job or actor.vendor_function,
        "purpose": purpose,
        "request_id": "" if request_id is None else request_id,
        "customer_id": "" if customer_id is None else customer_id,
        "categories": ",".join(sorted(set(categories))),
        "decision": decision,
        "reason": reason,
        # A customer's address is kept masked, as analytics keeps it; staff, vendors' and jobs' whole.
        "client_ip": recorded_address(client_ip, customer=actor.kind == "customer"),
        "break_glass_id": bg,
        "on_behalf_of": actor.on_behalf_of,
        "own_request": "yes" if own_request else "",
    }


def _deny(actor: Actor, reason: str, **event) -> Denied:
    append_surviving([_event(actor, decision="deny", reason=reason, **event)])
    return Denied(reason)


def _decide_one(policy, actor, *, exists: bool, customer_id, purpose, categories, request_id) -> Decision:
    """The full decision for one customer: existence, policy, break-glass, open request."""
    if actor.kind == "vendor":
        return Decision(False, VENDORS_USE_EXPORTS)
    if not exists:
        return Decision(False, "no such customer")
    if actor.kind == "customer" and actor.customer_id != customer_id:
        return Decision(False, "a customer reads only their own data")
    if purpose == MARKETING_PURPOSE and actor.kind != "customer" and _opted_out([customer_id]):
        return Decision(False, "the customer opted out of marketing")
    decision = policy_decision(policy, actor, purpose, categories)
    if not decision.allowed and actor.kind == "staff" and purpose in policy.purposes:
        grant = _active_break_glass(policy, actor, customer_id, purpose)
        if grant is None:
            return decision
        bad = [c for c in categories if c not in policy.purposes[purpose].categories]
        if bad:
            return Decision(False, f"{purpose} does not allow {bad}, even in an emergency")
        return Decision(True, f"break-glass: {grant.reason}", str(grant.pk))
    if not decision.allowed:
        return decision
    if actor.kind == "staff" and policy.purposes[purpose].request_required:
        grant = _active_break_glass(policy, actor, customer_id, purpose)
        if grant is not None:
            return Decision(True, f"break-glass: {grant.reason}", str(grant.pk))
        services = frozenset(s for s in actor.services if purpose in policy.services[s].purposes)
        request = open_request_for(request_id=request_id, customer_id=customer_id, services=services)
        if request is None:
            return Decision(
                False, f"{purpose} needs an open request of this customer's owned by your service"
            )
        return Decision(True, decision.reason, own_request=str(request.opened_by_id) == actor.id)
    if actor.kind == "staff" and not request_id:
        return _held_or(policy, actor, customer_id, purpose, decision)
    return decision


# Reads of one customer at a time that count towards the hourly limit of reads without a request.
_COUNTED_READS = ("reveal", "reveal_documents", "reveal_intervals")


def _held_or(policy, actor: Actor, customer_id: int, purpose: str, decision: Decision) -> Decision:
    """A staff member reading without a request: allowed while the customers they read so in the last hour
    stay within the policy file's limit (a customer already read this hour is no new reach), or while a
    reviewer's approval runs; past it the read is held, and a hold waits for a decision. Two indexed
    queries on the access log: the first event of the hour, then this reader's events since."""

    now = timezone.now()
    if ReadHold.objects.filter(
        user_id=int(actor.id), status=ReadHold.Status.APPROVED, approved_until__gt=now
    ).exists():
        return decision
    limit = policy.breach["held_reads_per_hour"]
    since = int((now - timedelta(hours=1)).timestamp() * 1_000_000)
    first = AccessEvent.objects.filter(at_us__gte=since).order_by("seq").values_list("seq", flat=True).first()
    if first is None:
        return decision
    read = set(
        AccessEvent.objects.filter(
            actor_kind="staff",
            actor_id=actor.id,
            seq__gte=first,
            decision="allow",
            request_id="",
            action__in=_COUNTED_READS,
        ).values_list("customer_id", flat=True)
    )
    if str(customer_id) in read or len(read) < limit:
        return decision
    hold = ReadHold.objects.filter(user_id=int(actor.id), status=ReadHold.Status.PENDING).first()
    if hold is None:
        hold = ReadHold.objects.create(
            user_id=int(actor.id), purpose=purpose, customers_in_hour=len(read), threshold=limit
        )
    return Decision(
        False,
        f"held for the privacy officer's approval (hold {hold.pk}): {len(read)} customers read without a "
        f"request in the last hour, the limit is {limit}",
        hold_id=hold.pk,
    )


_CUSTOMERS = Customer._meta.db_table
_KEYS = DataKey._meta.db_table
_VALUES = PersonalValue._meta.db_table


def _fetch_sealed(cursor, customer_id: int, fields: Sequence[str]) -> list[tuple]:
    """Whether the customer exists, its wrapped data key and the current sealed values asked for, in one
    query (no row: no such customer). `cursor` is the driver's own."""
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"SELECT c.id, dk.key_id, dk.wrapped, pv.field, pv.ciphertext FROM {_CUSTOMERS} c "  # noqa: S608
        f"LEFT JOIN {_KEYS} dk ON dk.customer_id = c.id "
        f"LEFT JOIN {_VALUES} pv ON pv.customer_id = c.id AND pv.superseded_at IS NULL "
        f"AND pv.field IN ({marks}) WHERE c.id = %s"
    )
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    cursor.execute(sql, [*fields, customer_id])
    return cursor.fetchall()


def _open_rows(customer_id: int, rows) -> dict[str, str]:
    values = {}
    key = None
    for _, key_id, wrapped, fname, sealed in rows:  # one row per value found (fname None: none found)
        if fname is None:
            continue
        try:
            key = key or sealing.unwrap_data_key(customer_id, key_id, wrapped)
            values[fname] = _crypto.open_value(key, customer_id, fname, sealed)
        except (_crypto.InvalidTagError, TypeError):
            raise VaultIntegrityError(
                f"customer {customer_id}: stored {fname} failed authentication"
            ) from None
    return values


def _id_filter(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` in ids: one array parameter on PostgreSQL (a long IN list costs more to parse than to run)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _existing(customer_ids: Sequence[int]) -> int:
    where, params = _id_filter("id", customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_CUSTOMERS} WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def _open_all(customer_ids: Sequence[int], fields: Sequence[str]) -> dict[int, dict[str, str]]:
    """Open the current values of `fields` for many customers: one query, each data key unwrapped once."""
    where, params = _id_filter("pv.customer_id", customer_ids)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"SELECT pv.customer_id, dk.key_id, dk.wrapped, pv.field, pv.ciphertext FROM {_VALUES} pv "  # noqa: S608
        f"JOIN {_KEYS} dk ON dk.customer_id = pv.customer_id "
        f"WHERE pv.superseded_at IS NULL AND pv.field IN ({marks}) AND {where}"
    )
    out: dict[int, dict[str, str]] = {cid: {} for cid in customer_ids}
    keys: dict[int, bytes] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fields, *params])
        for cid, key_id, wrapped, fname, sealed in cursor.fetchall():
            try:
                key = keys.get(cid)
                if key is None:
                    key = keys[cid] = sealing.unwrap_data_key(cid, key_id, wrapped)
                out[cid][fname] = _crypto.open_value(key, cid, fname, sealed)
            except _crypto.InvalidTagError:
                raise VaultIntegrityError(f"customer {cid}: stored {fname} failed authentication") from None
    return out


def reveal(
    *, actor: Actor, customer_id, fields: Sequence[str], purpose: str, request_id=None, client_ip=""
) -> dict:
    """Plaintext of the customer's current values for `fields`, if the policy allows; else Denied.

    Fields the customer never gave are absent from the result. The decision, the read and the access
    event share one transaction: if the event can't be written, the read is not returned.
    """
    policy = current_policy()
    cid = _as_customer_id(customer_id)
    fields = list(dict.fromkeys(fields))
    cats = _categories(policy, fields)
    event = {
        "action": "reveal",
        "purpose": purpose,
        "customer_id": cid if cid else str(customer_id)[:32],
        "categories": cats or [],
        "request_id": request_id,
        "client_ip": client_ip,
    }
    values = destroyed = None
    readable = cats is not None and bool(fields) and cid is not None
    outer = log._in_callers_transaction()
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor: this path runs on every read, so skip the wrapper
        rows = _fetch_sealed(cursor, cid, fields) if readable else []
        if cats is None or not fields:
            decision = Decision(False, f"unknown or no fields {fields!r}")
        elif cid is None:
            decision = Decision(False, "no such customer")
        else:
            decision = _decide_one(
                policy,
                actor,
                exists=bool(rows),
                customer_id=cid,
                purpose=purpose,
                categories=cats,
                request_id=request_id,
            )
            destroyed = _destruction(cid) if decision.allowed and rows[0][1] is None else None
            if destroyed is not None:  # no data key: destroyed under the retention schedule, or never had any
                decision = Decision(False, _destroyed_reason(destroyed))
            elif decision.allowed:
                try:
                    values = _open_rows(cid, rows)
                except VaultIntegrityError as exc:
                    decision = Decision(False, str(exc))
        outcome = "allow" if decision.allowed else "deny"
        record = _event(
            actor,
            decision=outcome,
            reason=decision.reason,
            bg=decision.break_glass_id,
            own_request=decision.own_request,
            **event,
        )
        if values is None and outer:
            append_surviving([record])  # the caller may roll back because of the denial
        else:
            log.write_event(cursor, record)
    if destroyed is not None:
        raise Destroyed(destroyed)
    if decision.hold_id:
        raise Held(decision.reason, decision.hold_id)
    if values is None:
        raise Denied(decision.reason)
    return values


def _bulk_decision(policy, actor: Actor, purpose: str, categories) -> Decision:
    """The decision for a bulk read: the policy's, and never a customer (they read only their own data)
    nor a request-driven purpose (a request is about one customer)."""
    decision = policy_decision(policy, actor, purpose, categories)
    if decision.allowed and actor.kind == "customer":
        decision = Decision(False, "customers do not read in bulk")
    if decision.allowed and actor.kind == "staff" and policy.purposes[purpose].request_required:
        decision = Decision(False, f"{purpose} is request-driven and can't be used in bulk")
    return decision


def reveal_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    fields: Sequence[str],
    purpose: str,
    client_ip: str = "",
    action: str = "bulk_reveal",
) -> dict[int, dict[str, str]]:
    """The bulk form for exports and reports: one policy decision, one access event per customer.

    Request-driven purposes can't be used in bulk (a request is about one customer); customers don't
    read in bulk. Any id that is not a customer denies the whole call.
    """
    policy = current_policy()
    ids = [int(c) for c in dict.fromkeys(customer_ids)]
    fields = list(dict.fromkeys(fields))
    cats = _categories(policy, fields)
    base = {
        "action": action,
        "purpose": purpose,
        "categories": cats or [],
        "request_id": None,
        "client_ip": client_ip,
    }
    if cats is None or not fields:
        raise _deny(actor, f"unknown or no fields {fields!r}", customer_id=None, **base)
    decision = _bulk_decision(policy, actor, purpose, cats)
    if not decision.allowed:
        raise _deny(actor, decision.reason, customer_id=None, **base)
    with transaction.atomic():
        found = _existing(ids)
        opted_out = _opted_out(ids) if purpose == MARKETING_PURPOSE else set()
        destroyed = _destroyed_among(ids) if found == len(ids) else 0
        if found != len(ids):
            error = Denied(f"{len(ids) - found} of the ids are not customers")
        elif destroyed:
            error = Denied(f"{destroyed} of the customers' data was destroyed under the retention schedule")
        elif opted_out:
            error = Denied(f"{len(opted_out)} of the customers opted out of marketing")
        else:
            try:
                values = _open_all(ids, fields)
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                error = Denied(str(exc))
            else:
                log.append_uniform(
                    _event(actor, decision="allow", reason=decision.reason, customer_id="", **base), ids
                )
                return values
    raise _deny(actor, error.reason, customer_id=None, **base)


def find_customers(
    *,
    actor: Actor,
    field: str,
    value: str,
    purpose: str,
    request_id=None,
    client_ip: str = "",
    intake: bool = False,
) -> list[int]:
    """Exact-match lookup through the blind index, without decrypting anything. Logged like a reveal.

    The request rule of `reveal` holds: staff looking up for a request-driven purpose name an open request
    their service owns, and find only that request's customer. `intake` is the one exception: a staff member
    recording a call, visit or letter finds the account by the number the customer gave, to open the
    request (account numbers only; logged as an intake lookup).
    """
    policy = current_policy()
    category = policy.category_for_field(field)
    base = {
        "action": "intake_lookup" if intake else "lookup",
        "purpose": purpose,
        "categories": [category] if category else [],
        "request_id": request_id,
        "client_ip": client_ip,
    }
    if field not in BLIND_INDEXED_FIELDS or category is None:
        raise _deny(actor, f"no lookup by {field!r}", customer_id=None, **base)
    decision = policy_decision(policy, actor, purpose, [category])
    refusal = "" if decision.allowed else decision.reason
    request = None
    if refusal:
        pass
    elif actor.kind == "vendor":
        refusal = VENDORS_USE_EXPORTS
    elif actor.kind == "customer":
        refusal = "customers do not look up"
    elif intake and (actor.kind != "staff" or field != "account_number"):
        refusal = "an intake lookup is a staff member's, by account number"
    elif actor.kind == "staff" and policy.purposes[purpose].request_required and not intake:
        services = frozenset(s for s in actor.services if purpose in policy.services[s].purposes)
        request = open_request_of(request_id=request_id, services=services)
        if request is None:
            refusal = f"{purpose} needs an open request owned by your service"
    if refusal:
        raise _deny(actor, refusal, customer_id=None, **base)
    own = request is not None and str(request.opened_by_id) == actor.id
    digest = sealing.blind_index(field, normalize(field, value))
    with transaction.atomic():
        found = PersonalValue.objects.filter(field=field, blind_index=digest, superseded_at__isnull=True)
        if request is not None:  # only the request's customer
            found = found.filter(customer_id=request.customer_id)
        ids = sorted(found.values_list("customer_id", flat=True))
        append_events(
            [
                _event(actor, decision="allow", reason="lookup", customer_id=cid, own_request=own, **base)
                for cid in ids
            ]
            or [_event(actor, decision="allow", reason="lookup: no match", customer_id=None, **base)]
        )
    return ids


def break_glass_open(
    *, actor: Actor, customer_id, purpose: str, reason: str, minutes: int | None = None, client_ip: str = ""
) -> BreakGlassGrant:
    """Emergency access for one staff member to one customer for one purpose, with a reason, for a time.

    Only the support services the policy file names, for the purposes it names; every refusal is logged
    (written before the grant's own transaction, so it stays in the log).
    """
    policy = current_policy()
    limit = settings.CUSTODIAN_BREAK_GLASS_MINUTES
    minutes = min(minutes or limit, limit)
    cid = _as_customer_id(customer_id)
    event = {
        "action": "break_glass",
        "purpose": purpose,
        "customer_id": cid or "",
        "categories": [],
        "request_id": None,
        "client_ip": client_ip,
    }
    if actor.kind != "staff" or actor.user is None:
        raise _deny(actor, "only staff can break the glass", **event)
    if purpose not in policy.purposes:
        raise _deny(actor, f"unknown purpose {purpose!r}", **event)
    if purpose not in policy.emergency_purposes(actor.services):
        raise _deny(
            actor, f"the policy opens no emergency access for {purpose} to your support services", **event
        )
    if len((reason or "").strip()) < 10:
        raise ValueError("break-glass needs a reason of at least 10 characters")
    if cid is None or not Customer.objects.filter(pk=cid).exists():
        raise _deny(actor, "no such customer", **event)
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor.user,
            customer_id=cid,
            purpose=purpose,
            reason=reason.strip(),
            opened_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        append_events([_event(actor, decision="allow", reason=grant.reason, bg=str(grant.pk), **event)])
    return grant


def _read_one(policy, actor, *, cid, purpose, categories, request_id, event, refusal: str, read):
    """One customer's read of sealed data other than values (documents, interval readings): the decision,
    the read and its access event in one transaction. `refusal` refuses before
    deciding (bad arguments); a read that fails authentication is a denial, logged as one."""
    result = destroyed = None
    outer = log._in_callers_transaction()
    with transaction.atomic(), connection.cursor() as cursor:
        if refusal:
            decision = Decision(False, refusal)
        else:
            decision = _decide_one(
                policy,
                actor,
                exists=Customer.objects.filter(pk=cid).exists(),
                customer_id=cid,
                purpose=purpose,
                categories=categories,
                request_id=request_id,
            )
            destroyed = _destruction(cid) if decision.allowed else None
            if destroyed is not None:
                decision = Decision(False, _destroyed_reason(destroyed))
            if decision.allowed:
                try:
                    result = read()
                except VaultIntegrityError as exc:
                    decision = Decision(False, str(exc))
        record = _event(
            actor,
            decision="allow" if result is not None else "deny",
            reason=decision.reason,
            bg=decision.break_glass_id,
            own_request=decision.own_request,
            **event,
        )
        if result is None and outer:
            append_surviving([record])  # the caller may roll back because of the denial
        else:
            log.write_event(cursor, record)
    if destroyed is not None:
        raise Destroyed(destroyed)
    if decision.hold_id:
        raise Held(decision.reason, decision.hold_id)
    if result is None:
        raise Denied(decision.reason)
    return result


@dataclass(frozen=True)
class Document:
    ref: str
    media_type: str
    filename: str
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def reveal_documents(
    *,
    actor: Actor,
    customer_id,
    category: str,
    ref_prefix: str,
    purpose: str,
    request_id=None,
    client_ip: str = "",
) -> list[Document]:
    """The customer's sealed documents whose ref starts with `ref_prefix`, if the policy allows reading the
    category for the purpose; one access event either way, in the read's transaction."""
    import json

    policy = current_policy()
    cid = _as_customer_id(customer_id)
    known = category in policy.categories
    event = {
        "action": "reveal_documents",
        "purpose": purpose,
        "customer_id": cid or str(customer_id)[:32],
        "categories": [category] if known else [],
        "request_id": request_id,
        "client_ip": client_ip,
    }

    def read() -> list[Document]:
        rows = list(
            SealedDocument.objects.filter(customer_id=cid, category=category, ref__startswith=ref_prefix)
            .order_by("created_at", "pk")
            .values_list("ref", "media_type", "ciphertext")
        )
        docs = []
        if rows:
            dk = DataKey.objects.get(customer_id=cid)
            key = sealing.unwrap_data_key(cid, dk.key_id, dk.wrapped)
            for ref, media_type, sealed in rows:
                try:
                    plain = _crypto.open_bytes(key, cid, f"{category}:{ref}", sealed)
                except _crypto.InvalidTagError:
                    raise VaultIntegrityError(f"document {ref} failed authentication") from None
                header, _, content = plain.partition(b"\n")
                docs.append(Document(ref, media_type, json.loads(header)["filename"], content))
        return docs

    refusal = "unknown category" if not known else "no such customer" if cid is None else ""
    return _read_one(
        policy,
        actor,
        cid=cid,
        purpose=purpose,
        categories=[category],
        request_id=request_id,
        event=event,
        refusal=refusal,
        read=read,
    )


def reveal_documents_many(
    *,
    actor: Actor,
    refs: Sequence[tuple[int, str]],
    category: str,
    purpose: str,
    action: str = "bulk_reveal_documents",
) -> dict[tuple[int, str], Document]:
    """The bulk form for exports (the letters a vendor prints): the sealed documents named by (customer id,
    ref), if the policy allows reading the category for the purpose; one decision, one access event per
    customer. Any id that is not a customer denies the whole call."""
    import json

    policy = current_policy()
    ids = sorted({int(cid) for cid, _ in refs})
    known = category in policy.categories
    base = {
        "action": action,
        "purpose": purpose,
        "categories": [category] if known else [],
        "request_id": None,
        "client_ip": "",
    }
    if not known:
        raise _deny(actor, "unknown category", customer_id=None, **base)
    decision = _bulk_decision(policy, actor, purpose, [category])
    if not decision.allowed:
        raise _deny(actor, decision.reason, customer_id=None, **base)
    wanted = {(int(cid), ref) for cid, ref in refs}
    with transaction.atomic():
        found = _existing(ids) if ids else 0
        destroyed = _destroyed_among(ids) if ids and found == len(ids) else 0
        reason = _bulk_refusal(len(ids) - found, destroyed)
        if found == len(ids) and not destroyed:
            rows = SealedDocument.objects.filter(
                customer_id__in=ids, category=category, ref__in=sorted({ref for _, ref in wanted})
            ).values_list("customer_id", "ref", "media_type", "ciphertext")
            keys = {
                cid: sealing.unwrap_data_key(cid, key_id, wrapped)
                for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=ids).values_list(
                    "customer_id", "key_id", "wrapped"
                )
            }
            out = {}
            try:
                for cid, ref, media_type, sealed in rows:
                    if (cid, ref) not in wanted:
                        continue
                    try:
                        plain = _crypto.open_bytes(keys[cid], cid, f"{category}:{ref}", sealed)
                    except (_crypto.InvalidTagError, KeyError):
                        raise VaultIntegrityError(f"document {ref} failed authentication") from None
                    header, _, content = plain.partition(b"\n")
                    out[(cid, ref)] = Document(ref, media_type, json.loads(header)["filename"], content)
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                reason = str(exc)
            else:
                if ids:
                    log.append_uniform(
                        _event(actor, decision="allow", reason=decision.reason, customer_id="", **base), ids
                    )
                return out
    raise _deny(actor, reason, customer_id=None, **base)


def _open_blocks(rows) -> list:
    """Open sealed interval rows (interval_files.SCHEMA_COLUMNS), each customer's data key unwrapped once."""

    ids = sorted({r[0] for r in rows})
    keys = {
        cid: sealing.unwrap_data_key(cid, key_id, wrapped)
        for cid, key_id, wrapped in DataKey.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "key_id", "wrapped"
        )
    }
    blocks = []
    for cid, service, month, start, interval, count, _provenance, sealed in rows:
        try:
            payload = _crypto.open_bytes(keys[cid], cid, interval_files.block_field(service, month), sealed)
        except (_crypto.InvalidTagError, KeyError):
            raise VaultIntegrityError(
                f"customer {cid}: interval block {service} {month} failed authentication"
            ) from None
        values = interval_files.decode_values(payload, count)
        blocks.append(interval_files.IntervalBlock(cid, service, month, start, interval, values))
    return blocks


def reveal_intervals(
    *,
    actor: Actor,
    customer_id,
    purpose: str,
    start: int,
    end: int,
    services: Sequence[str] | None = None,
    request_id=None,
    client_ip: str = "",
) -> list:
    """The customer's interval readings in the local months that [start, end) touches (UTC epoch seconds),
    as interval_files.IntervalBlock, if the policy allows reading meter usage for the purpose; one access
    event either way, in the read's transaction."""

    policy = current_policy()
    cid = _as_customer_id(customer_id)
    event = {
        "action": "reveal_intervals",
        "purpose": purpose,
        "customer_id": cid or str(customer_id)[:32],
        "categories": ["meter_usage"],
        "request_id": request_id,
        "client_ip": client_ip,
    }

    def read() -> list:
        months = interval_files.months_between(start, end)
        return _open_blocks(interval_files.read_rows(months=months, customer_ids=[cid], services=services))

    refusal = "no such customer" if cid is None else "" if 0 <= start < end else "empty or reversed period"
    return _read_one(
        policy,
        actor,
        cid=cid,
        purpose=purpose,
        categories=["meter_usage"],
        request_id=request_id,
        event=event,
        refusal=refusal,
        read=read,
    )


def reveal_intervals_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    purpose: str,
    months: Sequence[str],
    services: Sequence[str] | None = None,
    action: str = "bulk_reveal_intervals",
) -> list:
    """The bulk form for reports and exports: the same decision as reveal_many, one access event per
    customer, and the customers' interval blocks of those months."""

    policy = current_policy()
    ids = [int(c) for c in dict.fromkeys(customer_ids)]
    base = {
        "action": action,
        "purpose": purpose,
        "categories": ["meter_usage"],
        "request_id": None,
        "client_ip": "",
    }
    decision = _bulk_decision(policy, actor, purpose, ["meter_usage"])
    if not decision.allowed:
        raise _deny(actor, decision.reason, customer_id=None, **base)
    with transaction.atomic():
        found = _existing(ids) if ids else 0
        destroyed = _destroyed_among(ids) if ids and found == len(ids) else 0
        reason = _bulk_refusal(len(ids) - found, destroyed)
        if found == len(ids) and not destroyed:
            rows = interval_files.read_rows(months=months, customer_ids=ids, services=services)
            try:
                blocks = _open_blocks(rows)
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                reason = str(exc)
            else:
                if ids:
                    log.append_uniform(
                        _event(actor, decision="allow", reason=decision.reason, customer_id="", **base), ids
                    )
                return blocks
    raise _deny(actor, reason, customer_id=None, **base)


def _bulk_refusal(missing: int, destroyed: int) -> str:
    if missing:
        return f"{missing} of the ids are not customers"
    return f"{destroyed} of the customers' data was destroyed under the retention schedule"


def reveal_with_intervals_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    fields: Sequence[str],
    purpose: str,
    months: Sequence[str],
    services: Sequence[str] | None = None,
    action: str = "bulk_reveal",
) -> tuple[dict[int, dict[str, str]], list]:
    """Values and interval readings of many customers in one read (the billing run needs both): one
    decision for the fields and meter usage together, one access event per customer."""

    policy = current_policy()
    ids = [int(c) for c in dict.fromkeys(customer_ids)]
    fields = list(dict.fromkeys(fields))
    cats = _categories(policy, fields)
    base = {
        "action": action,
        "purpose": purpose,
        "categories": sorted({*(cats or []), "meter_usage"}),
        "request_id": None,
        "client_ip": "",
    }
    if cats is None or not fields:
        raise _deny(actor, f"unknown or no fields {fields!r}", customer_id=None, **base)
    decision = _bulk_decision(policy, actor, purpose, base["categories"])
    if not decision.allowed:
        raise _deny(actor, decision.reason, customer_id=None, **base)
    with transaction.atomic():
        found = _existing(ids) if ids else 0
        destroyed = _destroyed_among(ids) if ids and found == len(ids) else 0
        reason = _bulk_refusal(len(ids) - found, destroyed)
        if found == len(ids) and not destroyed:
            try:
                values = _open_all(ids, fields) if ids else {}
                blocks = _open_blocks(
                    interval_files.read_rows(months=months, customer_ids=ids, services=services)
                )
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                reason = str(exc)
            else:
                if ids:
                    log.append_uniform(
                        _event(actor, decision="allow", reason=decision.reason, customer_id="", **base), ids
                    )
                return values, blocks
    raise _deny(actor, reason, customer_id=None, **base)
