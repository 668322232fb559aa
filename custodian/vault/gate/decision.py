"""The gate's decision, from the policy file: the asker's grants for the purpose and categories, break-glass,
the open request a request-driven purpose needs, the hourly limit of reads without a request, destroyed
data; and the access-log record each read writes (allow or deny) in the read's transaction. The answer for
"no such customer" and "not allowed" is one (`Denied`).

One module (over 600 lines) on purpose: every rule a read passes is here, in the order it is applied, so
the whole decision can be read and reviewed in one place."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from custodian.audit import events as log
from custodian.audit.actions import Action
from custodian.audit.events import append_surviving
from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.dates import long_date
from custodian.netaddr import recorded_address
from custodian.policy.loader import Policy, current_policy
from custodian.vault.choices import MADE_BY_THE_UTILITY
from custodian.vault.consents_in_force import consent_in_force
from custodian.vault.gate.actors import Actor
from custodian.vault.gate.refusals import Refusal, held_in_words, refusal_of
from custodian.vault.models import BreakGlassGrant, DataDestruction, DataKey, ReadHold
from custodian.vault.notice_rule import consented_to, notice_uncovered_among
from custodian.vault.open_requests import open_request_for
from custodian.vault.services import opted_out_customer_ids

# Kept in English (an exception's text, the access log's); a page or an answer says it in the reader's
# language with `gettext(NOT_FOUND_OR_DENIED)`.
NOT_FOUND_OR_DENIED = gettext_noop("No such customer, or not allowed.")

MARKETING_PURPOSE = "marketing"


class Denied(Exception):
    """The one answer for a customer that does not exist and for a read that is not allowed. It carries the
    refusal (`refusals.Refusal`: its kind and facts) for the access log and for a member of staff's words;
    never shown to the customer, whose page says `NOT_FOUND_OR_DENIED` whatever the kind."""

    def __init__(self, kind: str | Refusal, **facts):
        super().__init__(NOT_FOUND_OR_DENIED)
        self.refusal = refusal_of(kind, facts)

    def __reduce__(self):  # across processes as it is, whatever its constructor takes
        return (_unpickled, (type(self), self.args, self.__dict__))

    @property
    def kind(self) -> str:
        return self.refusal.kind

    @property
    def facts(self) -> dict:
        return self.refusal.facts

    @property
    def reason(self) -> str:
        """The access log's English for the refusal."""
        return self.refusal.reason


class Destroyed(Denied):
    """The customer's data was destroyed under the retention schedule. Said only to a caller the policy allows
    to read that customer's data for the purpose (anyone else gets the usual Denied), so it tells them what
    became of it instead of failing or showing an empty page."""

    def __init__(self, destruction):
        self.schedule_item = destruction.schedule_item
        self.destroyed_on = timezone.localdate(destruction.destroyed_at)
        self.refusal = destroyed_refusal(destruction)
        Exception.__init__(self, self.refusal.reason)

    @property
    def message(self) -> str:
        """What became of the data, in the reader's language: worded when it is read, not when it is raised
        (the schedule item's label and its citation as the policy file gives them in that language)."""
        said = {"on": long_date(self.destroyed_on), "item": self.schedule_item}
        item = current_policy().retention_schedule.get(self.schedule_item)
        if item is None:
            return (
                _("This customer's data was destroyed on %(on)s under retention schedule item %(item)s.")
                % said
            )
        shown = item.in_language()
        return _(
            "This customer's data was destroyed on %(on)s under retention schedule item %(item)s (%(label)s; "
            "%(citation)s)."
        ) % {**said, "label": shown.label, "citation": shown.schedule_item}

    def __str__(self):
        return self.message


class Held(Denied):
    """A staff member's read without a request past the policy file's limit per hour: held until a reviewer
    of access approves (the read has not happened). Said only when the read would otherwise be allowed."""

    def __init__(self, refusal: Refusal, hold_id: int):
        Exception.__init__(self, refusal.reason)
        self.refusal, self.hold_id = refusal, hold_id

    def __str__(self):
        """What waits, in the reader's language, worded when it is read (the English is the log's reason)."""
        return held_in_words(self)


class VaultIntegrityError(Exception):
    """A stored value failed authentication: altered, or moved from another row or field. Its refusal names
    which (a denial of the read, logged as one)."""

    def __init__(self, kind: str, **facts):
        self.refusal = Refusal(kind, facts)
        super().__init__(self.refusal.reason)

    def __reduce__(self):
        return (_unpickled, (type(self), self.args, self.__dict__))


def _unpickled(cls, args, state):
    exc = Exception.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    break_glass_id: str = ""
    own_request: bool = False  # allowed by a request that the reading staff member entered themselves
    hold_id: int | None = None  # held for approval (custodian.vault.models.ReadHold)
    refusal: Refusal | None = None  # a refusal's kind and facts (`refused`); `reason` is its log text

    def __post_init__(self):
        if not self.allowed and self.refusal is None:
            raise TypeError("a refused decision names its kind of refusal: refused(kind, **facts)")


def refused(kind: str | Refusal, **facts) -> Decision:
    """A refused decision: its kind of refusal (`refusals.KINDS`) and the facts its reason names."""
    refusal = refusal_of(kind, facts)
    return Decision(False, refusal.reason, refusal=refusal)


_GRANTED = Decision(True, "granted by support service")  # the same answer for every staff read it allows


def policy_decision(policy: Policy, actor: Actor, purpose: str, categories: Iterable[str]) -> Decision:
    """Role → purpose → categories, from the compiled policy. No database access: pure and fast."""
    p = policy.purposes.get(purpose)
    if p is None:
        return refused("unknown_purpose", purpose=purpose)
    cats = list(categories)
    if actor.kind == "staff":
        grants = policy.service_grants
        for category in cats:
            if not any((s, purpose, category) in grants for s in actor.services):
                return refused("not_granted", category=category, purpose=purpose)
        return _GRANTED
    if actor.kind == "customer":
        if purpose not in policy.self_access_purposes:
            return refused("customer_purpose", purpose=purpose)
        bad = [c for c in cats if c not in policy.self_access_categories]
        if bad:
            return refused("not_self_accessible", categories=bad)
        outside = [c for c in cats if actor.categories is not None and c not in actor.categories]
        if outside:
            return refused("outside_authority", categories=outside)
        return Decision(True, "the customer's own data")
    if actor.kind == "system":
        job = policy.system_jobs.get(actor.job)
        if job is None or purpose not in job.purposes:
            return refused("job_purpose", job=actor.job, purpose=purpose)
        bad = [c for c in cats if c not in p.categories]
        if bad:
            return refused("purpose_categories", purpose=purpose, categories=bad)
        return Decision(True, f"system job {actor.job}")
    if actor.kind == "vendor":
        function = policy.vendor_functions.get(actor.vendor_function)
        if function is None or purpose not in {function.purpose, *function.also_for}:
            return refused("vendor_purpose", function=actor.vendor_function, purpose=purpose)
        bad = [c for c in cats if c not in function.categories]
        if bad:
            return refused("vendor_categories", categories=bad)
        return Decision(True, f"vendor function {function.key}")
    if actor.kind == "third_party":
        basis = policy.disclosure_bases.get("connect_my_data")
        # The basis's own purpose and categories, and those of the usage summaries (bills) if it has them.
        reads = [basis, basis.get("usage_summaries") or {}] if basis is not None else []
        read = next((r for r in reads if r.get("purpose") == purpose), None)
        if read is None:
            return refused("third_party_purpose", purpose=purpose)
        bad = [c for c in cats if c not in read.get("categories", ())]
        if bad:
            return refused("third_party_categories", categories=bad)
        return Decision(True, "the customer's consent")
    return refused("unknown_actor", actor_kind=actor.kind)


def categories_of(policy: Policy, fields: Sequence[str]) -> list[str] | None:
    cats = [policy.category_for_field(f) for f in fields]
    return None if any(c is None for c in cats) else cats


def as_customer_id(customer_id) -> int | None:
    try:
        value = int(customer_id)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def opted_out_among(customer_ids) -> set[int]:

    return opted_out_customer_ids(customer_ids)


def notice_decision(
    policy: Policy, customer_id: int, purpose: str, decision: Decision, collected
) -> Decision:
    """Minn. Stat. § 13.05 subd. 4: each value is read only for a purpose its notice at collection named
    (the version shown), or with the person's consent (an opt-in to marketing, for marketing).
    `collected`: (field, channel, notice key, notice version) of each value found."""
    uncovered = [
        (f, key, version)
        for f, channel, key, version in collected
        if not policy.notice_covers(
            made_by_the_utility=channel in MADE_BY_THE_UTILITY,
            notice_key=key,
            notice_version=version,
            purpose=purpose,
        )
    ]
    if not uncovered or consented_to(customer_id=customer_id, purpose=purpose):
        return decision
    f, key, version = uncovered[0]
    if not key:
        return refused("no_notice", field=f, purpose=purpose)
    return refused("notice", field=f, notice=key, version=version, purpose=purpose)


def notice_refusal(
    policy: Policy, actor: Actor, ids: Sequence[int], fields: Sequence[str], purpose: str
) -> Refusal | None:
    """A bulk read's notice rule: refused naming how many customers hold a value whose notice does not name
    the purpose (callers leave them out first, as they leave out those who opted out)."""
    if actor.kind == "customer":
        return None
    uncovered = notice_uncovered_among(customer_ids=ids, fields=fields, purpose=purpose)
    if not uncovered:
        return None
    return Refusal("notice_many", {"count": len(uncovered), "purpose": purpose})


def destroyed_refusal(destruction) -> Refusal:
    return Refusal("destroyed", {"schedule_item": destruction.schedule_item})


def destruction_of(customer_id: int):
    return DataDestruction.objects.filter(customer_id=customer_id).first()


CUSTOMERS_TABLE = Customer._meta.db_table
_KEYS_TABLE = DataKey._meta.db_table


def customer_and_key(cursor, customer_id: int) -> tuple[bool, tuple[str, bytes] | None]:
    """Whether the customer exists, and their data key as stored (key id, wrapped key) if they have one, in
    one query: the read that follows opens its blocks or documents with it instead of asking again."""
    cursor.execute(
        f"SELECT c.id, dk.key_id, dk.wrapped FROM {CUSTOMERS_TABLE} c "  # noqa: S608 (fixed table names)
        f"LEFT JOIN {_KEYS_TABLE} dk ON dk.customer_id = c.id WHERE c.id = %s",
        [customer_id],
    )
    row = cursor.fetchone()
    if row is None:
        return False, None
    return True, (row[1], bytes(row[2])) if row[1] is not None else None


def id_filter(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` in ids: one array parameter on PostgreSQL (a long IN list costs more to parse than to run)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def existing_count(customer_ids: Sequence[int]) -> int:
    where, params = id_filter("id", customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {CUSTOMERS_TABLE} WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def destroyed_among(customer_ids: Sequence[int]) -> int:
    where, params = id_filter("customer_id", customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DataDestruction._meta.db_table} WHERE {where}", params)  # noqa: S608
        return cursor.fetchone()[0]


def active_break_glass(
    policy: Policy, actor: Actor, customer_id: int, purpose: str
) -> BreakGlassGrant | None:
    """The staff member's current emergency grant for this customer and purpose, while the policy file still
    opens emergency access for that purpose to one of their services."""
    if actor.kind != "staff" or purpose not in policy.emergency_purposes(actor.services):
        return None
    return grants_open(actor, customer_id).filter(purpose=purpose).order_by("-expires_at").first()


def grants_open(actor: Actor, customer_id: int):
    """The staff member's emergency grants to the customer still open: not expired, and not ended by their
    review (`break_glass.break_glass_review` sets `expires_at` to the moment of the review)."""
    return BreakGlassGrant.objects.filter(
        user_id=int(actor.id), customer_id=customer_id, expires_at__gt=timezone.now()
    )


def _loggable(text):
    """`text` as the access log can store it: a caller's purpose or field names may hold characters that
    are not Unicode scalar values (an unpaired surrogate decoded from JSON's `\\ud800`), which no UTF-8
    column takes; they are written escaped, so a refusal of such a read is still on the record."""
    if not isinstance(text, str) or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def event_record(
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
        "roles": _roles(actor),
        "purpose": _loggable(purpose),
        "request_id": "" if request_id is None else _loggable(request_id),
        "customer_id": "" if customer_id is None else customer_id,
        "categories": _loggable(",".join(sorted(set(categories)))),
        "decision": decision,
        "reason": reason,
        # A customer's address is kept masked, as analytics keeps it; staff, vendors' and jobs' whole.
        "client_ip": recorded_address(client_ip, customer=actor.kind == "customer"),
        "break_glass_id": bg,
        "on_behalf_of": actor.on_behalf_of,
        "own_request": "yes" if own_request else "",
    }


def _roles(actor: Actor) -> str:
    """Who acted, as the log records it: a member of staff's support services; a job's name and the services
    of the member of staff who started it (so "who has seen my data" names them); a vendor's function."""
    if actor.services:
        return ",".join(sorted(actor.services))
    if actor.job:
        return ",".join([actor.job, *sorted(actor.on_behalf_services)])
    return actor.vendor_function


def deny(actor: Actor, refusal: Refusal, **event) -> Denied:
    """A refusal written to the access log (on a connection of its own: it survives the caller's rollback),
    and the `Denied` that says it."""
    append_surviving([event_record(actor, decision="deny", reason=refusal.reason, **event)])
    return Denied(refusal)


def _break_glass_read(policy, grant, customer_id, request_id) -> Decision:
    """A read under an emergency grant. The grant is its own justification, so a request need not be named;
    one that is named goes into the access log beside the grant, so it must be an open request of this
    customer's (owned by any service: the emergency reaches past the reader's own), or the read is refused
    rather than logged with a request it has nothing to do with."""
    if (
        request_id
        and open_request_for(
            request_id=request_id, customer_id=customer_id, services=frozenset(policy.services)
        )
        is None
    ):
        return refused("request_not_open", request=request_id)
    return Decision(True, f"break-glass: {grant.reason}", str(grant.pk))


def decide_one(
    policy, actor, *, exists: bool, customer_id, purpose, categories, request_id, approved=None
) -> Decision:
    """The full decision for one customer: existence, policy, break-glass, open request. `approved`: whether
    a reviewer's approval of reads past the hourly limit runs for this staff member, when the read's own
    query asked already (`approval_sql`); None asks again if it matters."""
    if actor.kind == "vendor":
        return refused("vendor_reads_one")
    if not exists:
        return refused("no_such_customer")
    if actor.kind == "customer" and actor.customer_id != customer_id:
        return refused("not_own_data")
    if actor.kind == "third_party":
        decision = policy_decision(policy, actor, purpose, categories)
        if decision.allowed and not consent_in_force(
            consent_id=actor.consent_id, customer_id=customer_id, categories=categories
        ):
            return refused("no_consent")
        return Decision(True, f"consent {actor.consent_id}") if decision.allowed else decision
    if purpose == MARKETING_PURPOSE and actor.kind != "customer" and opted_out_among([customer_id]):
        return refused("opted_out")
    decision = policy_decision(policy, actor, purpose, categories)
    if not decision.allowed and actor.kind == "staff" and purpose in policy.purposes:
        grant = active_break_glass(policy, actor, customer_id, purpose)
        if grant is None:
            return decision
        bad = [c for c in categories if c not in policy.purposes[purpose].categories]
        if bad:
            return refused("not_even_in_an_emergency", purpose=purpose, categories=bad)
        return _break_glass_read(policy, grant, customer_id, request_id)
    if not decision.allowed or actor.kind != "staff":
        return decision
    required = policy.purposes[purpose].request_required
    if required:
        grant = active_break_glass(policy, actor, customer_id, purpose)
        if grant is not None:
            return _break_glass_read(policy, grant, customer_id, request_id)
    elif not request_id:
        return _held_or(policy, actor, customer_id, purpose, decision, approved)
    # A read naming a request is logged with it and not counted towards the hourly limit, so the request is
    # checked whatever the purpose: a made-up id would pass the limit and falsify the log.
    services = frozenset(s for s in actor.services if purpose in policy.services[s].purposes)
    request = open_request_for(request_id=request_id, customer_id=customer_id, services=services)
    if request is None:
        if required:
            return refused("request_needed", purpose=purpose)
        return refused("request_not_owned", request=request_id)
    return _by_request(policy, actor, customer_id, purpose, decision, request, approved)


def _by_request(
    policy, actor: Actor, customer_id: int, purpose: str, decision: Decision, request, approved=None
) -> Decision:
    """A staff read justified by an open request. A request the reader entered themselves is no one else's
    word that the customer asked: the read is marked as such in the log and counts towards the hourly limit
    like a read without a request, or a reader past the limit could open a request per customer and read
    on."""
    if str(request.opened_by_id) != actor.id:
        return decision
    own = Decision(True, decision.reason, own_request=True)
    return _held_or(policy, actor, customer_id, purpose, own, approved)


_HOLDS = ReadHold._meta.db_table
_EVENTS = AccessEvent._meta.db_table

# Reads of one customer at a time that count towards the hourly limit of reads without a request (or under a
# request the reader entered themselves).
_COUNTED_READS = (
    Action.REVEAL,
    Action.REVEAL_HISTORY,
    Action.REVEAL_DOCUMENTS,
    Action.REVEAL_INTERVALS,
    Action.LOOKUP,
    Action.MARKETING_AUDIENCE,
)


def decide_one_keyed(
    policy, actor, customer_id, purpose, categories, request_id, *, exists: bool, key, approved=None
) -> tuple[Decision, object]:
    """`decide_one` for a customer whose data key as stored is `key` (None: they have none): without one, a
    customer whose data was destroyed under the retention schedule is refused as destroyed (destruction
    removes the key first, so with a key nothing was destroyed). The decision, and the destruction if any."""
    decision = decide_one(
        policy,
        actor,
        exists=exists,
        customer_id=customer_id,
        purpose=purpose,
        categories=categories,
        request_id=request_id,
        approved=approved,
    )
    destroyed = destruction_of(customer_id) if decision.allowed and key is None else None
    if destroyed is not None:
        decision = refused(destroyed_refusal(destroyed))
    return decision, destroyed


def _held_or(
    policy, actor: Actor, customer_id: int, purpose: str, decision: Decision, approved=None
) -> Decision:
    """A staff member reading without a request: allowed while the customers they read so in the last hour
    stay within the policy file's limit (a customer already read this hour is no new reach), or while a
    reviewer's approval runs; past it the read is held, and a hold waits for a decision."""
    return held_or(policy, actor, [customer_id], purpose, decision, approved)


# Whether a reviewer's approval of reads past the hourly limit runs for a staff member now: 1, else NULL. A
# column of the one-customer read's own query (`approval_sql`), so the check costs no statement of its own.
_APPROVAL = (
    f"(SELECT 1 FROM {_HOLDS} WHERE user_id = %s AND status = '{ReadHold.Status.APPROVED.value}' "  # noqa: S608
    "AND approved_until > %s LIMIT 1)"
)


def approval_sql(db, actor: Actor) -> tuple[str, list]:
    """For a staff member, `_APPROVAL` and its parameters (`db`: the read's connection), as a column of the
    read's own query: `held_or(approved=…)` then asks nothing more when an approval runs. For anyone else, a
    constant NULL (the hourly limit is staff's)."""
    if actor.kind != "staff":
        return "NULL", []
    return _APPROVAL, [int(actor.id), db.ops.adapt_datetimefield_value(timezone.now())]


def held_or(
    policy, actor: Actor, customer_ids, purpose: str, decision: Decision, approved: bool | None = None
) -> Decision:
    """`decision`, unless reading `customer_ids` takes the staff member past the policy file's limit of
    customers read without a request in the last hour (counting those already read), with no reviewer's
    approval running: then held, and a hold waits for a decision. One customer at a time, or a bulk read
    that leaves as a file (a marketing audience: `reveal_many(hourly_limit=True)`), counted alike.

    One indexed query for a running approval (none when the caller's read asked already: `approved`, from
    `approval_sql`), then two on the access log: the first event of the hour, then this reader's events since.
    Plain SQL: this runs on every staff read without a request, and building the same queries through the ORM
    cost more than running them."""
    if approved:
        return decision
    now = timezone.now()
    with connection.cursor() as cursor:
        if approved is None:
            cursor.execute(
                f"SELECT {_APPROVAL}", [int(actor.id), connection.ops.adapt_datetimefield_value(now)]
            )
            if cursor.fetchone()[0] is not None:
                return decision
        limit = policy.breach["held_reads_per_hour"]
        since = int((now - timedelta(hours=1)).timestamp() * 1_000_000)
        cursor.execute(
            f"SELECT seq FROM {_EVENTS} WHERE at_us >= %s ORDER BY seq LIMIT 1",  # noqa: S608
            [since],
        )
        first = cursor.fetchone()
        read = set()
        if first is not None:
            reads = ", ".join(["%s"] * len(_COUNTED_READS))
            cursor.execute(
                f"SELECT DISTINCT customer_id FROM {_EVENTS} WHERE actor_kind = 'staff' AND actor_id = %s "  # noqa: S608
                f"AND seq >= %s AND decision = 'allow' AND (request_id = '' OR own_request = 'yes') "
                f"AND action IN ({reads})",
                [actor.id, first[0], *_COUNTED_READS],
            )
            read = {row[0] for row in cursor.fetchall()}
    new = {str(c) for c in customer_ids} - read
    if len(read) + len(new) <= limit or not new:
        return decision
    hold = ReadHold.objects.filter(user_id=int(actor.id), status=ReadHold.Status.PENDING).first()
    if hold is None:
        hold = ReadHold.objects.create(
            user_id=int(actor.id), purpose=purpose, customers_in_hour=len(read), threshold=limit
        )
    facts = {"hold": hold.pk, "read": len(read), "limit": limit}
    if len(customer_ids) > 1:
        return replace(refused("held_many", asked=len(new), **facts), hold_id=hold.pk)
    return replace(refused("held", **facts), hold_id=hold.pk)


def bulk_decision(policy, actor: Actor, purpose: str, categories) -> Decision:
    """The decision for a bulk read: the policy's, and never a customer (they read only their own data)
    nor a request-driven purpose (a request is about one customer)."""
    decision = policy_decision(policy, actor, purpose, categories)
    if decision.allowed and actor.kind in ("customer", "third_party"):
        decision = refused("customers_in_bulk" if actor.kind == "customer" else "third_parties_in_bulk")
    if decision.allowed and actor.kind == "staff" and policy.purposes[purpose].request_required:
        decision = refused("request_driven_in_bulk", purpose=purpose)
    return decision


def bulk_decide(
    policy,
    actor: Actor,
    *,
    action,
    purpose: str,
    categories,
    refusal: Refusal | None = None,
    client_ip: str = "",
) -> tuple[dict, Decision]:
    """A bulk read's access event and its one decision (`bulk_decision`); `refusal` refuses before deciding
    (bad arguments). A refusal is logged and raised (Denied) before anything is read."""
    event = {
        "action": action,
        "purpose": purpose,
        "categories": categories,
        "request_id": None,
        "client_ip": client_ip,
    }
    if refusal is not None:
        raise deny(actor, refusal, customer_id=None, **event)
    decision = bulk_decision(policy, actor, purpose, categories)
    if not decision.allowed:
        raise deny(actor, decision.refusal, customer_id=None, **event)
    return event, decision


def bulk_refusal(missing: int, destroyed: int) -> Refusal | None:
    if missing:
        return Refusal("not_customers", {"count": missing})
    if destroyed:
        return Refusal("destroyed_many", {"count": destroyed})
    return None


def read_one(policy, actor, *, cid, purpose, categories, request_id, event, refusal: Refusal | None, read):
    """One customer's read of sealed data other than values (documents, interval readings): the decision,
    the read and its access event in one transaction. `refusal` refuses before
    deciding (bad arguments); a read that fails authentication is a denial, logged as one. `read` is given
    the customer's data key as stored (key id, wrapped key), read with the customer's existence."""
    result = destroyed = None
    outer = log._in_callers_transaction()
    with transaction.atomic(), connection.cursor() as cursor:
        if refusal is not None:
            decision = refused(refusal)
        else:
            exists, key = customer_and_key(cursor, cid)
            decision, destroyed = decide_one_keyed(
                policy, actor, cid, purpose, categories, request_id, exists=exists, key=key
            )
            if decision.allowed:
                try:
                    result = read(key)
                except VaultIntegrityError as exc:
                    decision = refused(exc.refusal)
        outcome_write(cursor, actor, decision=decision, revealed=result is not None, outer=outer, event=event)
    return answer(result, decision=decision, destroyed=destroyed)


def outcome_write(
    cursor, actor: Actor, *, decision: Decision, revealed: bool, outer: bool, event: dict
) -> None:
    """A one-customer read's access event, in the read's transaction; a denial inside the caller's own
    transaction on a connection of its own, so the caller's rollback can't erase it."""
    record = event_record(
        actor,
        decision="allow" if revealed else "deny",
        reason=decision.reason,
        bg=decision.break_glass_id,
        own_request=decision.own_request,
        **event,
    )
    if not revealed and outer:
        append_surviving([record])  # the caller may roll back because of the denial
    else:
        log.write_event(cursor, record)


def answer(result, *, decision: Decision, destroyed):
    """What a one-customer read says to its caller, after its event is written."""
    if destroyed is not None:
        raise Destroyed(destroyed)
    if decision.hold_id:
        raise Held(decision.refusal, decision.hold_id)
    if result is None:
        raise Denied(decision.refusal)
    return result


def read_many(actor: Actor, *, ids: Sequence[int], decision: Decision, event: dict, read, check=None):
    """A bulk read after its decision: every id a customer and none of their data destroyed (and `check()`,
    when given, refusing nothing), then `read()`; one access event per customer when it succeeds, else one
    denial (a read that fails authentication is one), in one transaction."""
    with transaction.atomic():
        found = existing_count(ids) if ids else 0
        destroyed = destroyed_among(ids) if ids and found == len(ids) else 0
        refusal = bulk_refusal(len(ids) - found, destroyed)
        if found == len(ids) and not destroyed and check is not None:
            refusal = check()
        if found == len(ids) and not destroyed and refusal is None:
            try:
                result = read()
            except VaultIntegrityError as exc:  # logged as a denial: nothing was revealed
                refusal = exc.refusal
            else:
                if ids:
                    log.append_uniform(
                        event_record(
                            actor, decision="allow", reason=decision.reason, customer_id="", **event
                        ),
                        ids,
                    )
                return result
    raise deny(actor, refusal, customer_id=None, **event)
