"""A member of staff refused a read is told the reason the gate gave and logged, in words, whatever the kind
of refusal: Mark the marketer asking for an opted-out customer's e-mail address for marketing is told the
customer opted out (not that his services may not see it), Bill the billing clerk asking for what billing is
never granted is told which item and purpose, Cora at the service desk asking for a request-driven purpose
without the request is told it needs one. Every refusal `decision.py` writes has its words (read from the
module itself), in English and Spanish; a customer's pages keep one answer for "does not exist" and "not
allowed"."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

import custodian.vault.gate.decision as decision_module
from custodian.audit.models import AccessEvent
from custodian.vault.gate import Denied, refused_in_words
from custodian.vault.gate.refusals import KINDS, refusal_kind
from custodian.vault.services import Submission, marketing_preference_set

PORTAL = Submission(channel="portal", notice_key="portal_profile")
GENERIC = "your support services may not see these items for this purpose"


def _written(node) -> list[str]:
    """A reason as written in the source, each `{…}` filled with a sample value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)]
    if isinstance(node, ast.IfExp):
        return _written(node.body) + _written(node.orelse)
    if isinstance(node, ast.Name) and node.id.isupper():
        return [getattr(decision_module, node.id)]
    return []  # a reason passed on (another decision's, an exception's)


def _refusals_written() -> list[str]:
    """Every refusal `decision.py` writes: a Decision refused (the reason of a Decision allowed unless…, the
    branch that refuses) and what its refusal-making functions return."""
    tree = ast.parse(Path(decision_module.__file__).read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decision" and len(node.args) >= 2:
            allowed, reason = node.args[:2]
            if isinstance(allowed, ast.Constant) and allowed.value is True:
                continue
            if not isinstance(allowed, ast.Constant) and isinstance(reason, ast.IfExp):
                # The branch taken when refused: `f"…" if bad else …` beside `not bad`, or the other way.
                same = ast.unparse(reason.test) == ast.unparse(allowed)
                reason = reason.orelse if same else reason.body
            found += _written(reason)
        if isinstance(node, ast.FunctionDef) and node.name.endswith(("_refusal", "_reason")):
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    found += [r for r in _written(ret.value) if r]
    return found


def test_every_refusal_the_gate_writes_has_its_words():
    written = _refusals_written()
    assert len(written) > 20
    unworded = [r for r in written if refusal_kind(r) is None]
    assert not unworded, (
        f"refusals of the gate with no words for staff (custodian/vault/gate/refusals.py): {unworded}"
    )


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("the customer opted out of marketing", "Not allowed: the customer opted out of marketing."),
        (
            "no support service of the actor may read bank_account for billing",
            "none of your support services may see Bank account for automatic payment for Billing",
        ),
        (
            "customer_service_requests needs an open request of this customer's owned by your service",
            "needs an open request of this customer's that your support service owns",
        ),
        (
            "request 41 is not an open request of this customer's owned by your service",
            "request 41 is not an open request of this customer's that your support service owns",
        ),
        ("request 41 is not an open request of this customer's", "request 41 is not an open request"),
        (
            "billing does not allow ['correspondence', 'bank_account'], even in an emergency",
            "Billing never allows Correspondence: messages and attachments the customer sent us, and the "
            "letters and e-mails we sent them; Bank account for automatic payment, even in an emergency",
        ),
        (
            "email was collected under notice contact_form 2026-01, which does not name marketing",
            "under a notice at collection that does not name this purpose",
        ),
        ("held for the privacy officer's approval (hold 3): 21 customers read", "privacy officer's approval"),
        ("destroyed under retention schedule item 4.1", "destroyed under the retention schedule"),
        ("no such customer", "there is no such customer"),
        ("unknown purpose 'fun'", "not a purpose the policy file names"),
        ("document outbox:1:text failed authentication", "failed its integrity check"),
    ],
)
def test_each_kind_of_refusal_is_told_in_its_words(db, reason, words):
    told = refused_in_words(Denied(reason))
    assert words in told and GENERIC not in told
    with translation.override("es"):
        assert refused_in_words(Denied(reason)).startswith("No permitido: ")


def test_a_reason_of_no_known_kind_is_told_as_before(db):
    assert refused_in_words(Denied("something new")) == f"Not allowed: {GENERIC}."


def test_every_kind_is_in_spanish(db):
    for kind in KINDS:
        with translation.override("en"):
            english = str(kind.words)
        with translation.override("es"):
            assert str(kind.words) != english, kind.key


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


def test_cora_is_told_the_purpose_needs_an_open_request(console, service_rep, customer):
    page = _reveal(console(service_rep), customer, "phone", "resolving_problems").content.decode()
    assert "needs an open request of this customer&#x27;s that your support service owns" in page
