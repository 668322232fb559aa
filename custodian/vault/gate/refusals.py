"""Every kind of refusal, in one table (`KINDS`): what the access log says of it in English (`Kind.reason`,
formatted with the refusal's facts) and what a member of staff refused is told, in their language
(`Kind.words`). The gate refuses by naming a kind and its facts (`Refusal`, carried by `Denied` and by a
refused `Decision`); the log's reason and the staff member's words are both made from that one kind, so they
can't drift apart. Nothing reads a reason back: the log keeps the text, the refusal keeps its facts.

Staff may know why (the access log they can be shown holds the same reason); a customer's pages keep one
answer for "does not exist" and "not allowed" (`Denied`'s message) and never call `refused_in_words`.
`vault/tests/test_refusals_in_words.py` holds every kind to its words, in English and Spanish, and every kind
the product names to this table with the facts its reason names.

One module (over 400 lines) on purpose: the table is every refusal the product writes, each with its log
text and its words side by side, so that a new refusal is worded where it is written down."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.policy.loader import current_policy


@dataclass(frozen=True)
class Kind:
    reason: str  # the access log's English, `str.format`ted with the facts; kept byte for byte once written
    words: (
        object  # a lazy translation for staff, %-formatted with the facts in words (a subset of the reason's)
    )
    facts: frozenset[str] = field(init=False)

    def __post_init__(self):
        parts = Formatter().parse(self.reason)
        named = {name.split(".")[0].split("[")[0] for _text, name, _spec, _conv in parts if name}
        object.__setattr__(self, "facts", frozenset(named))


# Words several kinds share: a read no member of staff makes, and a stored item that failed authentication.
_NOT_STAFF = gettext_lazy("this read is not one a member of staff makes")
_INTEGRITY = gettext_lazy("a stored item failed its integrity check; tell IT and the privacy officer")
_NO_ITEM = gettext_lazy("no item the policy file names was asked for")

KINDS: dict[str, Kind] = {
    # Who may read what for which purpose (the policy file).
    "unknown_purpose": Kind(
        "unknown purpose {purpose!r}", gettext_lazy("that is not a purpose the policy file names")
    ),
    "not_granted": Kind(
        "no support service of the actor may read {category} for {purpose}",
        gettext_lazy("none of your support services may see %(category)s for %(purpose)s"),
    ),
    "opted_out": Kind(
        "the customer opted out of marketing", gettext_lazy("the customer opted out of marketing")
    ),
    "opted_out_many": Kind(
        "{count} of the customers opted out of marketing",
        gettext_lazy("some of the customers opted out of marketing"),
    ),
    # The open request a request-driven purpose needs, and a request named by a read.
    "request_needed": Kind(
        "{purpose} needs an open request of this customer's owned by your service",
        gettext_lazy("%(purpose)s needs an open request of this customer's that your support service owns"),
    ),
    "request_not_owned": Kind(
        "request {request} is not an open request of this customer's owned by your service",
        gettext_lazy(
            "request %(request)s is not an open request of this customer's that your support service owns"
        ),
    ),
    "request_not_open": Kind(
        "request {request} is not an open request of this customer's",
        gettext_lazy("request %(request)s is not an open request of this customer's"),
    ),
    "lookup_request_needed": Kind(
        "{purpose} needs an open request owned by your service",
        gettext_lazy("%(purpose)s needs an open request that your support service owns"),
    ),
    "lookup_request_not_owned": Kind(
        "request {request} is not an open request owned by your service",
        gettext_lazy("request %(request)s is not an open request that your support service owns"),
    ),
    "request_driven_in_bulk": Kind(
        "{purpose} is request-driven and can't be used in bulk",
        gettext_lazy("%(purpose)s is for one customer's open request, never many customers at once"),
    ),
    # Emergency access (break-glass).
    "not_even_in_an_emergency": Kind(
        "{purpose} does not allow {categories}, even in an emergency",
        gettext_lazy("%(purpose)s never allows %(categories)s, even in an emergency"),
    ),
    "no_emergency_access": Kind(
        "the policy opens no emergency access for {purpose} to your support services",
        gettext_lazy("the policy file opens no emergency access for %(purpose)s to your support services"),
    ),
    "emergency_not_opened": Kind(
        "not opened to your support services for this purpose",
        gettext_lazy("the policy file opens no emergency access for this purpose to your support services"),
    ),
    "emergency_incomplete": Kind(
        "incomplete: {missing}",
        gettext_lazy(
            "emergency access needs a purpose, a reason of at least 10 characters, your password and a code"
        ),
    ),
    "emergency_password_refused": Kind(
        "re-authentication failed: password not accepted",
        gettext_lazy("your password or code was not accepted"),
    ),
    "emergency_code_refused": Kind(
        "re-authentication failed: second-factor code not accepted",
        gettext_lazy("your password or code was not accepted"),
    ),
    "emergency_staff_only": Kind("only staff can break the glass", _NOT_STAFF),
    # The notice at collection each value was given under (Minn. Stat. § 13.05 subd. 4).
    "notice": Kind(
        "{field} was collected under notice {notice} {version}, which does not name {purpose}",
        gettext_lazy(
            "the customer gave these items under a notice at collection that does not name this purpose"
        ),
    ),
    "no_notice": Kind(
        "{field} was collected under no notice shown, which does not name {purpose}",
        gettext_lazy(
            "the customer gave these items under a notice at collection that does not name this purpose"
        ),
    ),
    "notice_many": Kind(
        "{count} of the customers gave the data under a notice that does not name {purpose}",
        gettext_lazy(
            "some of the customers gave these items under a notice at collection that does not name this "
            "purpose"
        ),
    ),
    # Reads without a request past the hourly limit (`gate.Held`).
    # Their words carry the hold's number and the counts, as the log does: the member of staff whose read
    # waits is told them in their language (`held_in_words`), and names the hold to the privacy officer.
    "held": Kind(
        "held for the privacy officer's approval (hold {hold}): {read} customers read without a request or "
        "under requests you entered in the last hour, the limit is {limit}",
        gettext_lazy(
            "held for the privacy officer's approval (hold %(hold)s): %(read)s customers read without a "
            "request or under requests you entered in the last hour, the limit is %(limit)s"
        ),
    ),
    "held_many": Kind(
        "held for the privacy officer's approval (hold {hold}): {asked} customers in one read and {read} "
        "customers read without a request or under requests you entered in the last hour, the limit is "
        "{limit}",
        gettext_lazy(
            "held for the privacy officer's approval (hold %(hold)s): %(asked)s customers in one read and "
            "%(read)s customers read without a request or under requests you entered in the last hour, the "
            "limit is %(limit)s"
        ),
    ),
    # Customers that are not there, or whose data is not.
    "no_such_customer": Kind("no such customer", gettext_lazy("there is no such customer")),
    "not_customers": Kind(
        "{count} of the ids are not customers", gettext_lazy("some of the ids asked for are not customers")
    ),
    "destroyed": Kind(
        "destroyed under retention schedule item {schedule_item}",
        gettext_lazy("the customer's data was destroyed under the retention schedule"),
    ),
    "destroyed_many": Kind(
        "{count} of the customers' data was destroyed under the retention schedule",
        gettext_lazy("the data of some of the customers was destroyed under the retention schedule"),
    ),
    # What was asked for.
    "unknown_fields": Kind("unknown or no fields {fields!r}", _NO_ITEM),
    "unknown_fields_named": Kind("unknown fields {fields!r}", _NO_ITEM),
    "unknown_category": Kind(
        "unknown category", gettext_lazy("that is not a category of data the policy file names")
    ),
    "no_documents_named": Kind("no documents named", gettext_lazy("no document was named")),
    "empty_period": Kind(
        "empty or reversed period", gettext_lazy("the period asked for is empty or ends before it starts")
    ),
    "no_lookup_by": Kind("no lookup by {field!r}", gettext_lazy("customers are not looked up by that item")),
    "intake_lookup": Kind(
        "an intake lookup is a staff member's, by account number",
        gettext_lazy(
            "a lookup to record a call, visit or letter finds an account by its account number only"
        ),
    ),
    # Stored data that failed authentication (`gate.VaultIntegrityError`).
    "key_failed": Kind("customer {customer}: the stored data key failed authentication", _INTEGRITY),
    "value_failed": Kind("customer {customer}: stored {field} failed authentication", _INTEGRITY),
    "a_value_failed": Kind("customer {customer}: a stored value failed authentication", _INTEGRITY),
    "document_failed": Kind("document {ref} failed authentication", _INTEGRITY),
    "documents_without_key": Kind("customer {customer}: sealed documents without a data key", _INTEGRITY),
    "block_failed": Kind(
        "customer {customer}: interval block {service} {month} failed authentication", _INTEGRITY
    ),
    # Records other than the gate's reads, refused with the gate's one answer.
    "bill_document_missing": Kind(
        "the bill's document is missing", gettext_lazy("the bill's document is missing")
    ),
    "third_parties_reviewer_only": Kind(
        "only a reviewer of access sees third parties' registrations",
        gettext_lazy("only a reviewer of access sees third parties' registrations"),
    ),
    "no_such_third_party": Kind("no such third party", gettext_lazy("there is no such third party")),
    # Refusals of askers other than staff, worded for completeness: a member of staff never reads as these.
    "customer_purpose": Kind("customers do not read for {purpose}", _NOT_STAFF),
    "not_self_accessible": Kind("not self-accessible: {categories}", _NOT_STAFF),
    "outside_authority": Kind("outside the representative's authority: {categories}", _NOT_STAFF),
    "not_own_data": Kind("a customer reads only their own data", _NOT_STAFF),
    "customers_do_not_look_up": Kind("customers do not look up", _NOT_STAFF),
    "customers_in_bulk": Kind("customers do not read in bulk", _NOT_STAFF),
    "job_purpose": Kind("system job {job!r} does not act for {purpose}", _NOT_STAFF),
    "purpose_categories": Kind("{purpose} does not allow {categories}", _NOT_STAFF),
    "vendor_purpose": Kind("vendor function {function!r} does not act for {purpose}", _NOT_STAFF),
    "vendor_categories": Kind("function does not need {categories}", _NOT_STAFF),
    "vendor_reads_one": Kind("vendors receive customer data only in their exports", _NOT_STAFF),
    "third_party_purpose": Kind("third parties do not read for {purpose}", _NOT_STAFF),
    "third_party_categories": Kind("third parties never receive {categories}", _NOT_STAFF),
    "no_consent": Kind("no consent of this customer in force covers this third party's read", _NOT_STAFF),
    # As the log has always written it ("third party" made plural by an "s").
    "third_parties_in_bulk": Kind("third partys do not read in bulk", _NOT_STAFF),
    "unknown_actor": Kind("unknown actor kind {actor_kind!r}", _NOT_STAFF),
    "authorisations_not_the_askers": Kind(
        "only the customer (or whom they authorised for consents) lists their authorisations", _NOT_STAFF
    ),
    "no_such_authorisation": Kind("no such authorisation of this customer", _NOT_STAFF),
    "authority_does_not_cover_removal": Kind("the authority does not cover the data to remove", _NOT_STAFF),
}


class Refusal:
    """One refusal: its kind (a key of `KINDS`) and its facts, exactly those its reason names (else
    KeyError or TypeError where it is made, not when it is told). `reason`: the access log's English."""

    __slots__ = ("facts", "kind", "reason")

    def __init__(self, kind: str, facts: Mapping[str, object] | None = None):
        spec = KINDS[kind]
        facts = dict(facts or {})
        if set(facts) != spec.facts:
            raise TypeError(f"refusal {kind!r} names the facts {sorted(spec.facts)}, not {sorted(facts)}")
        self.kind, self.facts, self.reason = kind, facts, spec.reason.format(**facts)

    def __repr__(self):
        return f"Refusal({self.kind!r}, {self.facts!r})"

    def __eq__(self, other):
        return isinstance(other, Refusal) and (self.kind, self.facts) == (other.kind, other.facts)

    __hash__ = None


def refusal_of(kind: "str | Refusal", facts: Mapping[str, object] | None = None) -> Refusal:
    """A refusal from its kind and facts, or the one given."""
    return kind if isinstance(kind, Refusal) else Refusal(kind, facts)


def _in_words(facts: Mapping[str, object]) -> dict:
    """The facts as a member of staff reads them: a purpose and a category by their labels, a list of
    categories by theirs, the rest as they are."""
    policy = current_policy()

    def label(table, key):
        return str(table[key].in_language().label) if key in table else str(key)

    words = {}
    for name, value in facts.items():
        if name == "purpose":
            value = label(policy.purposes, value)
        elif name == "category":
            value = label(policy.categories, value)
        elif name == "categories" and isinstance(value, list | tuple):
            value = "; ".join(label(policy.categories, c) for c in value)
        words[name] = value
    return words


def refused_in_words(refused) -> str:
    """What a member of staff is told of the gate's refusal (a `Denied`): "Not allowed: <its kind's words>."
    (of an exception carrying no refusal: that their support services may not see these items for this
    purpose)."""
    refusal = getattr(refused, "refusal", None)
    if refusal is None:
        because = _("your support services may not see these items for this purpose")
    else:
        because = str(KINDS[refusal.kind].words) % _in_words(refusal.facts)
    return _("Not allowed: %(because)s.") % {"because": because}


def held_in_words(held) -> str:
    """What a member of staff is told of their read held for the privacy officer's approval (a `Held`), in
    their language: the hold's number and the counts, as the access log has them (no "Not allowed": the read
    waits, it is not refused). The page says what waits around it: "This read is %(held)s ..."."""
    return str(KINDS[held.refusal.kind].words) % _in_words(held.refusal.facts)
