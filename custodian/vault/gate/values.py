"""Reading personal values: one customer (`reveal`), many for exports and reports (`reveal_many`), and
finding customers by a blind-indexed value without opening anything (`find_customers`).

One module (over 400 lines) on purpose: the one-customer and bulk reads share how sealed values are fetched
with the way each was collected, how the notice rule is asked of them, and how they are opened."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from custodian.audit import events as log
from custodian.audit.actions import Action
from custodian.audit.copying import native_execute
from custodian.audit.events import append_events
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.vault import _crypto, sealing
from custodian.vault.choices import MADE_BY_THE_UTILITY
from custodian.vault.gate.actors import Actor
from custodian.vault.gate.decision import (
    CUSTOMERS_TABLE,
    MARKETING_PURPOSE,
    Held,
    VaultIntegrityError,
    answer,
    approval_sql,
    as_customer_id,
    bulk_decision,
    bulk_refusal,
    categories_of,
    decide_one_keyed,
    deny,
    destroyed_among,
    event_record,
    existing_count,
    held_or,
    id_filter,
    notice_decision,
    notice_refusal,
    opted_out_among,
    outcome_write,
    policy_decision,
    refused,
)
from custodian.vault.gate.refusals import Refusal
from custodian.vault.models import DataKey, PersonalValue, Provenance
from custodian.vault.normalize import BLIND_INDEXED_FIELDS, normalize
from custodian.vault.open_requests import open_request_of

_KEYS = DataKey._meta.db_table

_VALUES = PersonalValue._meta.db_table
_PROVENANCE = Provenance._meta.db_table


# The one-customer read's query, by database, number of fields and whether it asks for a reviewer's
# approval of reads past the hourly limit (a staff member's read): built once, not on every read.
_FETCH_SQL: dict[tuple[str, int, bool], str] = {}


def _fetch_sql(vendor: str, count: int, approval: str) -> str:
    sql = _FETCH_SQL.get((vendor, count, approval != "NULL"))
    if sql is None:
        marks = ", ".join(["%s"] * count)
        sql = (
            f"SELECT c.id, dk.key_id, dk.wrapped, pv.field, pv.ciphertext, p.channel, p.notice_key, "  # noqa: S608
            f"p.notice_version, {approval} FROM {CUSTOMERS_TABLE} c "
            f"LEFT JOIN {_KEYS} dk ON dk.customer_id = c.id "
            f"LEFT JOIN {_VALUES} pv ON pv.customer_id = c.id AND pv.superseded_at IS NULL "
            f"AND pv.field IN ({marks}) "
            f"LEFT JOIN {_PROVENANCE} p ON p.id = pv.provenance_id WHERE c.id = %s"
        )
        if vendor == "sqlite":
            sql = sql.replace("%s", "?")
        sql = _FETCH_SQL[(vendor, count, approval != "NULL")] = sql
    return sql


def _fetch_sealed(cursor, db, actor: Actor, customer_id: int, fields: Sequence[str]) -> list[tuple]:
    """Whether the customer exists, its wrapped data key and the current sealed values asked for with how
    each was collected (channel, notice, version), and for a staff member whether a reviewer's approval of
    reads past the hourly limit runs (`approval_sql`: 1, else None), in one query (no row: no such
    customer). `cursor` is the driver's own, of `db` (the connection)."""
    approval, params = approval_sql(db, actor)
    sql = _fetch_sql(db.vendor, len(fields), approval)
    native_execute(cursor, sql, [*params, *fields, customer_id])
    return cursor.fetchall()


def _open_rows(customer_id: int, rows) -> dict[str, str]:
    """The values in `_fetch_sealed`'s rows opened: the data key unwrapped and its cipher made once."""
    sealed = [(r[3], r[4]) for r in rows if r[3] is not None]  # one row per value found (None: none found)
    if not sealed:
        return {}
    key_id, wrapped = rows[0][1], rows[0][2]
    if key_id is None:
        raise VaultIntegrityError("value_failed", customer=customer_id, field=sealed[0][0])
    try:
        cipher = _crypto.cipher_of(sealing.unwrap_data_key(customer_id, key_id, wrapped))
        return _crypto.open_values(cipher, customer_id, sealed)
    except _crypto.InvalidTagError:
        raise _failing(customer_id, key_id, wrapped, sealed) from None


def _ids_where(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` in ids: as a range when the ids are every number from the least to the greatest (an export's
    chunk, a bill run's part), which the database scans without a list of thousands of values to bind and
    look up one by one; else the list."""
    if ids and max(ids) - min(ids) + 1 == len(set(ids)):
        return f"{column} BETWEEN %s AND %s", [min(ids), max(ids)]
    return id_filter(column, ids)


def _sealed_all(customer_ids: Sequence[int], fields: Sequence[str], *, ways: bool = False) -> list[tuple]:
    """The current sealed values of `fields` for many customers in one query: (customer, key id, wrapped key,
    field, sealed), and with `ways` the provenance each was collected under (its id: `_ways_of` tells the
    channel, notice and version of the few there are) for the notice rule; then a value of a customer
    without a data key is there too, for the rule (it is not opened)."""
    where, params = _ids_where("pv.customer_id", customer_ids)
    marks = ", ".join(["%s"] * len(fields))
    collected, keys = (", pv.provenance_id", "LEFT JOIN") if ways else ("", "JOIN")
    sql = (
        f"SELECT pv.customer_id, dk.key_id, dk.wrapped, pv.field, pv.ciphertext{collected} "  # noqa: S608
        f"FROM {_VALUES} pv {keys} {_KEYS} dk ON dk.customer_id = pv.customer_id "
        f"WHERE pv.superseded_at IS NULL AND pv.field IN ({marks}) AND {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fields, *params])
        return cursor.fetchall()


def _ways_of(rows) -> set[tuple[str, str, str]]:
    """The ways (channel, notice key, notice version) the values in `_sealed_all(…, ways=True)`'s rows were
    collected: one query for their provenances, a few for thousands of values."""
    ids = sorted({r[5] for r in rows})
    if not ids:
        return set()
    where, params = id_filter("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT channel, notice_key, notice_version FROM {_PROVENANCE} WHERE {where}",  # noqa: S608
            params,
        )
        return set(cursor.fetchall())


def _opened(customer_ids: Sequence[int], rows) -> dict[int, dict[str, str]]:
    """The values in `rows` (`_sealed_all`'s) opened, each data key unwrapped once and each customer's values
    opened together; every customer asked for is in the answer."""
    sealed_of: dict[int, tuple[str, bytes, list]] = {}
    for cid, key_id, wrapped, fname, sealed, *_ in rows:
        if key_id is not None:
            sealed_of.setdefault(cid, (key_id, wrapped, []))[2].append((fname, sealed))
    out: dict[int, dict[str, str]] = {cid: {} for cid in customer_ids}
    for cid, (key_id, wrapped, sealed_fields) in sealed_of.items():
        try:
            cipher = _crypto.cipher_of(sealing.unwrap_data_key(cid, key_id, wrapped))
            out[cid] = _crypto.open_values(cipher, cid, sealed_fields)
        except _crypto.InvalidTagError:
            raise _failing(cid, key_id, wrapped, sealed_fields) from None
    return out


def open_all(customer_ids: Sequence[int], fields: Sequence[str]) -> dict[int, dict[str, str]]:
    """Open the current values of `fields` for many customers (a bill run opens five thousand a chunk)."""
    return _opened(customer_ids, _sealed_all(customer_ids, fields))


def _bulk_notice_refusal(policy, actor: Actor, ids, fields, purpose: str, rows) -> Refusal | None:
    """`notice_refusal` answered from the rows about to be opened when every way they were collected names
    the purpose (a few ways for thousands of customers); else asked of it (it counts customers, consents)."""
    covered = (
        policy.notice_covers(
            made_by_the_utility=c in MADE_BY_THE_UTILITY, notice_key=k, notice_version=v, purpose=purpose
        )
        for c, k, v in _ways_of(rows)
    )
    return None if all(covered) else notice_refusal(policy, actor, ids, fields, purpose)


def _failing(cid: int, key_id: str, wrapped: bytes, sealed_fields) -> VaultIntegrityError:
    """Which of the customer's values failed authentication (or its data key), for the denial."""
    try:
        cipher = _crypto.cipher_of(sealing.unwrap_data_key(cid, key_id, wrapped))
    except _crypto.InvalidTagError:
        return VaultIntegrityError("key_failed", customer=cid)
    for fname, sealed in sealed_fields:
        try:
            _crypto.open_value(cipher, cid, fname, sealed)
        except _crypto.InvalidTagError:
            return VaultIntegrityError("value_failed", customer=cid, field=fname)
    return VaultIntegrityError("a_value_failed", customer=cid)


def bulk_asked(policy, customer_ids, fields) -> tuple[list[int], list[str], list[str] | None]:
    """What a bulk read asks for: the customer ids and the fields without repeats, and the fields' categories
    (None when a field is unknown)."""
    fields = list(dict.fromkeys(fields))
    return [int(c) for c in dict.fromkeys(customer_ids)], fields, categories_of(policy, fields)


def _one_customer_read(action: Action, customer_id, fields, purpose, request_id, client_ip):
    """What one customer's read is about before it is decided: the policy in force, the customer's id (None
    when it is not one), the fields without repeats, their categories (None when a field is unknown) and the
    access event."""
    policy = current_policy()
    cid = as_customer_id(customer_id)
    fields = list(dict.fromkeys(fields))
    cats = categories_of(policy, fields)
    event = {
        "action": action,
        "purpose": purpose,
        "customer_id": cid if cid else str(customer_id)[:32],
        "categories": cats or [],
        "request_id": request_id,
        "client_ip": client_ip,
    }
    return policy, cid, fields, cats, event


def _values_decision(policy, actor, cid, purpose, cats, request_id, exists, key, given, approved=None):
    """The decision on reading one customer's values (`decide_one_keyed`; `approved` as its), then for anyone
    but the customer the notices the values were `given` under (field, channel, notice key, notice version).
    The decision, and the destruction if any."""
    decision, destroyed = decide_one_keyed(
        policy, actor, cid, purpose, cats, request_id, exists=exists, key=key, approved=approved
    )
    if decision.allowed and actor.kind != "customer":
        decision = notice_decision(policy, cid, purpose, decision, given)
    return decision, destroyed


def reveal(
    *, actor: Actor, customer_id, fields: Sequence[str], purpose: str, request_id=None, client_ip=""
) -> dict:
    """Plaintext of the customer's current values for `fields`, if the policy allows; else Denied.

    Fields the customer never gave are absent from the result. The decision, the read and the access
    event share one transaction: if the event can't be written, the read is not returned.
    """
    policy, cid, fields, cats, event = _one_customer_read(
        Action.REVEAL, customer_id, fields, purpose, request_id, client_ip
    )
    values = destroyed = None
    readable = cats is not None and bool(fields) and cid is not None
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor: this path runs on every read, so skip the wrapper
        outer = log._in_callers_transaction(wrapper.db)
        rows = _fetch_sealed(cursor, wrapper.db, actor, cid, fields) if readable else []
        if cats is None or not fields:
            decision = refused("unknown_fields", fields=fields)
        elif cid is None:
            decision = refused("no_such_customer")
        else:
            given = [(r[3], r[5], r[6], r[7]) for r in rows if r[3]]
            key = rows[0][1] if rows else None
            approved = rows[0][8] is not None if rows and actor.kind == "staff" else None
            decision, destroyed = _values_decision(
                policy, actor, cid, purpose, cats, request_id, bool(rows), key, given, approved
            )
            if decision.allowed and destroyed is None:
                try:
                    values = _open_rows(cid, rows)
                except VaultIntegrityError as exc:
                    decision = refused(exc.refusal)
        outcome_write(cursor, actor, decision=decision, revealed=values is not None, outer=outer, event=event)
    return answer(values, decision=decision, destroyed=destroyed)


def reveal_many(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    fields: Sequence[str],
    purpose: str,
    client_ip: str = "",
    action: Action = Action.BULK_REVEAL,
    hourly_limit: bool = False,
    what_for: str = "",
) -> dict[int, dict[str, str]]:
    """The bulk form for exports and reports: one policy decision, one access event per customer.
    `what_for`: what the read does, after the decision's reason in each event's (a disclosure names its
    recipient and basis there: `custodian.audit.selectors.disclosure_reason`).

    Request-driven purposes can't be used in bulk (a request is about one customer); customers don't
    read in bulk. Any id that is not a customer denies the whole call. With `hourly_limit`, a staff
    member's bulk read that leaves as a file (a marketing audience) counts towards their hourly limit of
    customers read without a request, and past it is held for the privacy officer (`Held`) like a read of
    one customer at a time; a working list shown on a page (the collections worklist's protections) is not.
    """
    policy = current_policy()
    ids, fields, cats = bulk_asked(policy, customer_ids, fields)
    base = {
        "action": action,
        "purpose": purpose,
        "categories": cats or [],
        "request_id": None,
        "client_ip": client_ip,
    }
    if cats is None or not fields:
        raise deny(actor, Refusal("unknown_fields", {"fields": fields}), customer_id=None, **base)
    decision = bulk_decision(policy, actor, purpose, cats)
    if decision.allowed and hourly_limit and actor.kind == "staff":
        decision = held_or(policy, actor, ids, purpose, decision)
        if decision.hold_id:
            deny(actor, decision.refusal, customer_id=None, **base)
            raise Held(decision.refusal, decision.hold_id)
    if not decision.allowed:
        raise deny(actor, decision.refusal, customer_id=None, **base)
    with transaction.atomic():
        found = existing_count(ids)
        opted_out = opted_out_among(ids) if purpose == MARKETING_PURPOSE else set()
        destroyed = destroyed_among(ids) if found == len(ids) else 0
        if found != len(ids) or destroyed:
            error = bulk_refusal(len(ids) - found, destroyed)
        elif opted_out:
            error = Refusal("opted_out_many", {"count": len(opted_out)})
        elif refusal := _bulk_notice_refusal(
            policy, actor, ids, fields, purpose, rows := _sealed_all(ids, fields, ways=True)
        ):
            error = refusal
        else:
            try:
                values = _opened(ids, rows)
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                error = exc.refusal
            else:
                reason = f"{decision.reason}; {what_for}" if what_for else decision.reason
                log.append_uniform(
                    event_record(actor, decision="allow", reason=reason[:500], customer_id="", **base), ids
                )
                return values
    raise deny(actor, error, customer_id=None, **base)


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
        "action": Action.INTAKE_LOOKUP if intake else "lookup",
        "purpose": purpose,
        "categories": [category] if category else [],
        "request_id": request_id,
        "client_ip": client_ip,
    }
    if field not in BLIND_INDEXED_FIELDS or category is None:
        raise deny(actor, Refusal("no_lookup_by", {"field": field}), customer_id=None, **base)
    decision = policy_decision(policy, actor, purpose, [category])
    refusal = decision.refusal
    request = None
    if refusal is not None:
        pass
    elif actor.kind == "vendor":
        refusal = Refusal("vendor_reads_one")
    elif actor.kind == "customer":
        refusal = Refusal("customers_do_not_look_up")
    elif intake and (actor.kind != "staff" or field != "account_number"):
        refusal = Refusal("intake_lookup")
    elif actor.kind == "staff" and not intake and (policy.purposes[purpose].request_required or request_id):
        # A lookup naming a request is limited to its customer, and logged with it, whatever the purpose: a
        # made-up request would otherwise enter the log and hide the lookup from the unusual-access check.
        services = frozenset(s for s in actor.services if purpose in policy.services[s].purposes)
        request = open_request_of(request_id=request_id, services=services)
        if request is None:
            refusal = (
                Refusal("lookup_request_needed", {"purpose": purpose})
                if policy.purposes[purpose].request_required
                else Refusal("lookup_request_not_owned", {"request": request_id})
            )
    if refusal is not None:
        raise deny(actor, refusal, customer_id=None, **base)
    own = request is not None and str(request.opened_by_id) == actor.id
    digest = sealing.blind_index(field, normalize(field, value))
    with transaction.atomic():
        found = PersonalValue.objects.filter(field=field, blind_index=digest, superseded_at__isnull=True)
        if field == "account_number":
            # An inquirer's account number is one they typed into a message, not one we gave them: a number
            # finds the account's holder only, or anyone writing it in would block the holder's sign-up and
            # identity checks (one match expected) and be mixed into staff's lookups.
            found = found.exclude(customer__customer_class=CustomerClass.INQUIRER)
        if request is not None:  # only the request's customer
            found = found.filter(customer_id=request.customer_id)
        ids = sorted(found.values_list("customer_id", flat=True))
        if purpose == MARKETING_PURPOSE and actor.kind != "customer":
            # A customer who opted out is not found for marketing, as they are not read or put in an audience.
            opted_out = opted_out_among(ids)
            ids = [cid for cid in ids if cid not in opted_out]
        if actor.kind == "staff" and not intake and (request is None or own):
            # Who is a customer is itself a read: lookups without a request (or under one the reader
            # entered) count towards the hourly limit and are held past it, or a held reader could go on
            # mapping account numbers, e-mail addresses and phone numbers to customers.
            decision = held_or(policy, actor, ids, purpose, decision)
        if not decision.hold_id:
            append_events(
                [
                    event_record(
                        actor, decision="allow", reason="lookup", customer_id=cid, own_request=own, **base
                    )
                    for cid in ids
                ]
                or [
                    event_record(actor, decision="allow", reason="lookup: no match", customer_id=None, **base)
                ]
            )
    if decision.hold_id:  # said once the transaction that made the hold has committed
        raise Held(deny(actor, decision.refusal, customer_id=None, **base).refusal, decision.hold_id)
    return ids


@dataclass(frozen=True)
class ValueHeld:
    """One value held, current or earlier: what it was, from when until when, and how it was collected."""

    field: str
    value: str
    recorded_at: datetime
    superseded_at: datetime | None
    channel: str
    notice_key: str
    notice_version: str
    recorded_by: str


def reveal_history(
    *, actor: Actor, customer_id, fields: Sequence[str], purpose: str, request_id=None, client_ip=""
) -> list[ValueHeld]:
    """Every value held for `fields`, the earlier ones with the current (a data request's answer includes
    earlier values with their dates: Minn. Stat. § 13.04 subd. 3), oldest first. Decided and logged as one
    read (action `reveal_history`) like `reveal`."""
    policy, cid, fields, cats, event = _one_customer_read(
        Action.REVEAL_HISTORY, customer_id, fields, purpose, request_id, client_ip
    )
    held = destroyed = None
    outer = log._in_callers_transaction()
    with transaction.atomic(), connection.cursor() as wrapper:
        rows = (
            list(
                PersonalValue.objects.filter(customer_id=cid, field__in=fields)
                .select_related("provenance")
                .order_by("recorded_at", "pk")
            )
            if cats is not None and fields and cid is not None
            else []
        )
        keys = DataKey.objects.filter(customer_id=cid).values_list("key_id", "wrapped")
        key_row = keys.first() if cid else None
        if cats is None or not fields or cid is None:
            decision = refused("unknown_fields", fields=fields) if cid else refused("no_such_customer")
        else:
            exists = Customer.objects.filter(pk=cid).exists()
            given = [
                (v.field, v.provenance.channel, v.provenance.notice_key, v.provenance.notice_version)
                for v in rows
            ]
            decision, destroyed = _values_decision(
                policy, actor, cid, purpose, cats, request_id, exists, key_row, given
            )
            if decision.allowed and destroyed is None:
                try:
                    key = sealing.unwrap_data_key(cid, *key_row) if rows else None
                    held = [
                        ValueHeld(
                            field=v.field,
                            value=_crypto.open_value(key, cid, v.field, bytes(v.ciphertext)),
                            recorded_at=v.recorded_at,
                            superseded_at=v.superseded_at,
                            channel=v.provenance.channel,
                            notice_key=v.provenance.notice_key,
                            notice_version=v.provenance.notice_version,
                            recorded_by=v.provenance.recorded_by_label,
                        )
                        for v in rows
                    ]
                except (_crypto.InvalidTagError, TypeError):
                    decision = refused("a_value_failed", customer=cid)
        outcome_write(
            wrapper.cursor, actor, decision=decision, revealed=held is not None, outer=outer, event=event
        )
    return answer(held, decision=decision, destroyed=destroyed)
