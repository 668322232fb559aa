"""A member of staff refused a read is told the reason the gate gave and logged, in words, whatever the kind
of refusal: Mark the marketer asking for an opted-out customer's e-mail address for marketing is told the
customer opted out (not that his services may not see it), Bill the billing clerk asking for what billing is
never granted is told which item and purpose, Cora at the service desk asking for a request-driven purpose
without the request is told it needs one.

A refusal is made from one kind of the table (`gate.refusals.KINDS`) and its facts: the access log's English
and the staff member's words both come from it. Every kind has its words, in English and Spanish; every
refusal the product writes names a kind of the table with the facts its reason names (read from the source
itself), and every kind of the table is written somewhere; the log's reasons are what they always were. A
customer's pages keep one answer for "does not exist" and "not allowed"."""

import ast
import pickle
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.functional import Promise

import custodian
from custodian.audit.models import AccessEvent
from custodian.vault.gate import NOT_FOUND_OR_DENIED, Denied, Held, VaultIntegrityError, refused_in_words
from custodian.vault.gate.refusals import KINDS, Kind, Refusal
from custodian.vault.services import Submission, marketing_preference_set

PORTAL = Submission(channel="portal", notice_key="portal_profile")
GENERIC = "your support services may not see these items for this purpose"
ROOT = Path(custodian.__file__).parent

# The calls that make a refusal from a kind: the kind first (or `why=` for a refused emergency access), the
# facts as keywords (`Refusal`: as a dict). `refused` is the gate's own (other apps name other things so).
MAKERS = {"Denied", "VaultIntegrityError", "Refusal", "break_glass_refused", "emergency_refused"}
GATE = ROOT / "vault" / "gate"

SAMPLE = {"purpose": "billing", "category": "bank_account", "categories": ["bank_account", "email"]}


def _sample(kind: Kind) -> dict:
    return {name: SAMPLE.get(name, "7") for name in kind.facts}


def _unworded(kinds: dict[str, Kind]) -> list[str]:
    """The kinds with no words for staff, or words not marked for translation, or words naming a fact their
    reason does not."""
    bad = []
    for key, kind in kinds.items():
        if not isinstance(kind.words, Promise) or not str(kind.words).strip():
            bad.append(key)
            continue
        try:
            str(kind.words) % {name: "7" for name in kind.facts}
        except KeyError:
            bad.append(key)
    return bad


def test_every_kind_has_its_words():
    assert len(KINDS) > 40
    assert not _unworded(KINDS), f"kinds of refusal with no words for staff: {_unworded(KINDS)}"


def test_a_kind_without_words_is_found():
    kinds = {
        "new": Kind("a new refusal", ""),
        "english_only": Kind("another", "words no one translates"),
        "a_fact_the_reason_lacks": Kind("a third", KINDS["request_not_open"].words),
        "worded": KINDS["opted_out"],
    }
    assert _unworded(kinds) == ["new", "english_only", "a_fact_the_reason_lacks"]


def test_every_kind_is_in_spanish(db):
    for key, kind in KINDS.items():
        with translation.override("en"):
            english = str(kind.words)
            told = refused_in_words(Denied(key, **_sample(kind)))
        with translation.override("es"):
            assert str(kind.words) != english, key
            assert refused_in_words(Denied(key, **_sample(kind))).startswith("No permitido: "), key
        assert told.startswith("Not allowed: ") and GENERIC not in told, key


def _constants(node) -> list[str]:
    """The kinds an argument names: a string, or either branch of `"a" if … else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []  # a refusal passed on (a decision's, an exception's)


def _kinds_named(node: ast.Call, *, in_gate: bool) -> list[tuple[str, set[str] | None]]:
    """The kinds a call that makes a refusal names, and its facts (None: passed on whole, `**facts`)."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name not in MAKERS and not (in_gate and name == "refused"):
        return []
    keywords = {k.arg: k.value for k in node.keywords}
    kinds = _constants(
        keywords.pop("why", None) if name == "break_glass_refused" else (node.args or [None])[0]
    )
    if name == "Refusal":
        given = node.args[1] if len(node.args) > 1 else None
        if given is None:
            facts = set()
        elif isinstance(given, ast.Dict) and all(isinstance(k, ast.Constant) for k in given.keys):
            facts = {k.value for k in given.keys}
        else:
            facts = None
    else:
        for asker in (
            ("actor", "customer_id", "purpose", "client_ip") if name == "break_glass_refused" else ()
        ):
            keywords.pop(asker, None)
        facts = None if None in keywords else set(keywords)
    return [(kind, facts) for kind in kinds]


def _refusals_written() -> list[tuple[str, str, set[str] | None]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found += [
                    (where, kind, facts) for kind, facts in _kinds_named(node, in_gate=path.parent == GATE)
                ]
    return found


def test_every_refusal_written_is_a_kind_with_the_facts_its_reason_names():
    written = _refusals_written()
    assert len(written) > 40
    unknown = [(where, kind) for where, kind, _facts in written if kind not in KINDS]
    assert not unknown, f"refusals naming no kind of custodian/vault/gate/refusals.py: {unknown}"
    wrong = [
        (where, kind, sorted(facts), sorted(KINDS[kind].facts))
        for where, kind, facts in written
        if facts is not None and facts != KINDS[kind].facts
    ]
    assert not wrong, f"refusals giving other facts than their reason names: {wrong}"
    unwritten = set(KINDS) - {kind for _where, kind, _facts in written}
    assert not unwritten, f"kinds of refusal nothing writes (remove them, or write them): {sorted(unwritten)}"


def _refused_by_text(node) -> bool:
    """A Decision made refused (not allowed as a constant) without the refusal it is."""
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decision" and node.args):
        return False
    allowed = isinstance(node.args[0], ast.Constant) and node.args[0].value is True
    return not allowed and "refusal" not in {k.arg for k in node.keywords}


def test_no_decision_is_refused_without_its_kind():
    refused_by_text = [
        f"{path.name}:{node.lineno}"
        for path in sorted(GATE.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _refused_by_text(node)
    ]
    assert not refused_by_text, f"refused decisions not made by refused(kind, …): {refused_by_text}"
    assert _refused_by_text(ast.parse('Decision(False, "no such customer")').body[0].value)


def test_a_refusal_names_a_kind_of_the_table_and_all_its_facts():
    with pytest.raises(KeyError):
        Denied("something new")
    with pytest.raises(TypeError):
        Denied("not_granted", purpose="billing")  # no category
    with pytest.raises(TypeError):
        Denied("no_such_customer", customer=7)  # a fact its reason does not name


# The access log's reasons as they have always been written (the log is hash-chained, and read by people).
AS_LOGGED = [
    (
        "opted_out",
        {},
        "the customer opted out of marketing",
        "Not allowed: the customer opted out of marketing.",
    ),
    (
        "not_granted",
        {"category": "bank_account", "purpose": "billing"},
        "no support service of the actor may read bank_account for billing",
        "none of your support services may see Bank account for automatic payment for Billing",
    ),
    (
        "request_needed",
        {"purpose": "customer_service_requests"},
        "customer_service_requests needs an open request of this customer's owned by your service",
        "needs an open request of this customer's that your support service owns",
    ),
    (
        "request_not_owned",
        {"request": 41},
        "request 41 is not an open request of this customer's owned by your service",
        "request 41 is not an open request of this customer's that your support service owns",
    ),
    (
        "request_not_open",
        {"request": 41},
        "request 41 is not an open request of this customer's",
        "request 41 is not an open request",
    ),
    (
        "not_even_in_an_emergency",
        {"purpose": "billing", "categories": ["correspondence", "bank_account"]},
        "billing does not allow ['correspondence', 'bank_account'], even in an emergency",
        "Billing never allows Correspondence: messages and attachments the customer sent us, and the "
        "letters and e-mails we sent them; Bank account for automatic payment, even in an emergency",
    ),
    (
        "notice",
        {"field": "email", "notice": "contact_form", "version": "2026-01", "purpose": "marketing"},
        "email was collected under notice contact_form 2026-01, which does not name marketing",
        "under a notice at collection that does not name this purpose",
    ),
    (
        "no_notice",
        {"field": "email", "purpose": "marketing"},
        "email was collected under no notice shown, which does not name marketing",
        "under a notice at collection that does not name this purpose",
    ),
    (
        "held",
        {"hold": 3, "read": 21, "limit": 20},
        "held for the privacy officer's approval (hold 3): 21 customers read without a request or under "
        "requests you entered in the last hour, the limit is 20",
        "privacy officer's approval",
    ),
    (
        "held_many",
        {"hold": 3, "asked": 5, "read": 18, "limit": 20},
        "held for the privacy officer's approval (hold 3): 5 customers in one read and 18 customers read "
        "without a request or under requests you entered in the last hour, the limit is 20",
        "privacy officer's approval",
    ),
    (
        "destroyed",
        {"schedule_item": "4.1"},
        "destroyed under retention schedule item 4.1",
        "destroyed under the retention schedule",
    ),
    (
        "destroyed_many",
        {"count": 1},
        "1 of the customers' data was destroyed under the retention schedule",
        "destroyed under the retention schedule",
    ),
    ("no_such_customer", {}, "no such customer", "there is no such customer"),
    ("not_customers", {"count": 2}, "2 of the ids are not customers", "some of the ids asked for"),
    ("unknown_purpose", {"purpose": "fun"}, "unknown purpose 'fun'", "not a purpose the policy file names"),
    (
        "unknown_fields",
        {"fields": ["email", "shoe_size"]},
        "unknown or no fields ['email', 'shoe_size']",
        "no item the policy file names",
    ),
    (
        "document_failed",
        {"ref": "outbox:1:text"},
        "document outbox:1:text failed authentication",
        "integrity",
    ),
    (
        "lookup_request_needed",
        {"purpose": "resolving_problems"},
        "resolving_problems needs an open request owned by your service",
        "needs an open request that your support service owns",
    ),
    (
        "emergency_incomplete",
        {"missing": "code, password"},
        "incomplete: code, password",
        "emergency access needs a purpose",
    ),
    ("third_parties_in_bulk", {}, "third partys do not read in bulk", "not one a member of staff makes"),
]


@pytest.mark.parametrize(("kind", "facts", "logged", "words"), AS_LOGGED, ids=[k for k, *_ in AS_LOGGED])
def test_each_kind_is_logged_as_before_and_told_in_its_words(db, kind, facts, logged, words):
    refused = Denied(kind, **facts)
    assert refused.reason == logged and refused.kind == kind and refused.facts == facts
    told = refused_in_words(refused)
    assert words in told and GENERIC not in told
    with translation.override("es"):
        assert refused_in_words(refused).startswith("No permitido: ")
    assert str(refused) == NOT_FOUND_OR_DENIED  # what a customer's page says, whatever the kind


def test_a_refusal_is_one_whether_named_or_passed_on():
    refusal = Refusal("not_granted", {"category": "email", "purpose": "marketing"})
    assert (
        Denied(refusal).refusal
        == refusal
        == Denied("not_granted", category="email", purpose="marketing").refusal
    )


def test_a_refusal_crosses_to_another_process_whole():
    for raised in (
        Denied("request_not_open", request=41),
        Held(Refusal("held", {"hold": 3, "read": 21, "limit": 20}), 3),
        VaultIntegrityError("document_failed", ref="outbox:1:text"),
    ):
        again = pickle.loads(pickle.dumps(raised))  # noqa: S301 (our own, just made)
        assert type(again) is type(raised) and again.refusal == raised.refusal and str(again) == str(raised)


def _reveal(client, customer, field, purpose):
    return client.post(f"/staff/customers/{customer.pk}/", {"fields": [field], "purpose": purpose})


def test_mark_is_told_the_customer_opted_out(console, marketer, customer):
    marketing_preference_set(customer=customer, opted_out=True, submission=PORTAL)
    page = _reveal(console(marketer), customer, "email", "marketing").content.decode()
    assert "Not allowed: the customer opted out of marketing." in page and GENERIC not in page
    refused = AccessEvent.objects.filter(customer_id=str(customer.pk), decision="deny").latest("seq")
    assert refused.reason == "the customer opted out of marketing"


def test_bill_is_told_which_item_billing_never_sees(console, billing_clerk, customer):
    page = _reveal(console(billing_clerk), customer, "disconnection_protection", "billing").content.decode()
    assert "Not allowed: none of your support services may see Facts for protections against" in page
    refused = AccessEvent.objects.filter(customer_id=str(customer.pk), decision="deny").latest("seq")
    assert refused.reason == "no support service of the actor may read disconnection_protection for billing"


def test_cora_is_told_the_purpose_needs_an_open_request(console, service_rep, customer):
    page = _reveal(console(service_rep), customer, "phone", "resolving_problems").content.decode()
    assert "needs an open request of this customer&#x27;s that your support service owns" in page
