"""No notice of proposed disconnection and no disconnection order while the customer's request for a payment
agreement is not answered, nor while an agreement is kept (Minn. Stat. § 216B.098 subd. 3; the Cold Weather
Rule, § 216B.097 subd. 1(a)(2)): Bob Brandt owes $180 past due on his water and asked for an agreement;
Colin, the collections agent, tries every way the product has of making a notice or an order. Each refuses
with the request (or the agreement kept) named, in English and in Spanish, and leaves nothing half-done: no
notice, no letter, no order issued (an order's refusal is recorded with its reason, as every refused order
is). Once the agreement is behind, every path goes ahead again.

The paths are read from the code: a new module that writes a notice or an order, or calls a writer of one
(a page, a command, an API route, a run in the background), fails `test_every_path_is_walked` until it is
walked here too."""

import ast
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from custodian.collecting.models import DisconnectionNotice, DisconnectionOrder
from custodian.collecting.notices import NoticeError, disconnection_notice_send
from custodian.collecting.services import (
    AgreementProtects,
    DisconnectionForbidden,
    disconnection_notice_record,
    disconnection_order_issue,
    payment_agreement_agree,
    payment_agreement_request,
)
from custodian.customers.models import Account
from custodian.outbox.models import OutboundMessage
from custodian.testing import bill_charged

ROOT = Path(__file__).resolve().parents[2]
REFUSED = (NoticeError, AgreementProtects, DisconnectionForbidden)


@pytest.fixture
def bob(other_customer):
    """Bob Brandt's August bill unpaid ($180), past due since September 22."""
    account = Account.objects.get(customer=other_customer)
    bill_charged(account, 8, "180.00")
    return account


def asked(account, colin, today):
    return payment_agreement_request(account_id=account.pk, requested_on=today - timedelta(days=2))


def kept(account, colin, today):
    """Agreed today: no installment is due yet, so it is kept."""
    agreement = asked(account, colin, today)
    return payment_agreement_agree(agreement_id=agreement.pk, installment=Decimal("60"), by=colin, on=today)


def behind(account, colin, today):
    """Agreed two months ago, and the installment due a month ago not paid."""
    agreement = payment_agreement_request(account_id=account.pk, requested_on=today - timedelta(days=61))
    return payment_agreement_agree(
        agreement_id=agreement.pk, installment=Decimal("60"), by=colin, on=today - timedelta(days=60)
    )


# Every way the product makes a notice of proposed disconnection or a disconnection order, each as its caller
# reaches it: (the module and function that writes or calls the writer, how to walk it). Each answers
# (refused, what was said).
def _service(call):
    def walk(account, colin, client, today):
        try:
            call(account, colin, today)
        except REFUSED as exc:
            return True, "; ".join(getattr(exc, "words", [str(exc)]))
        return False, ""

    return walk


def _page(step):
    def walk(account, colin, client, today):
        response = client.post(
            f"/staff/collections/accounts/{account.pk}/{step}/", {"service": "water", "on": today}
        )
        return response.status_code == 400, response.content.decode()

    return walk


PATHS = {
    ("collecting/notices.py", "disconnection_notice_send"): _service(
        lambda a, colin, today: disconnection_notice_send(
            account_id=a.pk, service="water", sent_on=today, by=colin, today=today
        )
    ),
    ("collecting/services.py", "disconnection_notice_record"): _service(
        lambda a, colin, today: disconnection_notice_record(
            account_id=a.pk, service="water", sent_on=today, today=today
        )
    ),
    ("collecting/services.py", "disconnection_order_issue"): _service(
        lambda a, colin, today: disconnection_order_issue(
            account_id=a.pk, service="water", on=today, by=colin
        )
    ),
    ("console/collections_views.py", "disconnection_notice"): _page("notice"),
    ("console/collections_views.py", "disconnection_order"): _page("disconnect"),
}

WORDS = {
    asked: ("not answered yet", "agreement {pk}"),
    kept: ("keeps payment agreement {pk}", "nothing is past due under it"),
}


@pytest.mark.parametrize("state", [asked, kept], ids=["asked", "kept"])
@pytest.mark.parametrize("path", list(PATHS), ids=["/".join(p) for p in PATHS])
def test_every_path_refuses_while_an_agreement_is_asked_for_or_kept(
    bob, collections_agent, console, path, state
):
    today = timezone.localdate()
    agreement = state(bob, collections_agent, today)
    refused, said = PATHS[path](bob, collections_agent, console(collections_agent), today)
    assert refused, f"{path} made a notice or an order while agreement {agreement.pk} is {state.__name__}"
    for words in WORDS[state]:
        assert words.format(pk=agreement.pk) in said
    assert "216B.098 subd. 3" in said
    # nothing half-done: no notice, no letter, no order issued
    assert not DisconnectionNotice.objects.exists()
    assert not OutboundMessage.objects.filter(template="disconnection_notice").exists()
    assert not DisconnectionOrder.objects.filter(issued=True).exists()
    # an order's refusal is on record, the agreement its first reason (in English, as recorded)
    for order in DisconnectionOrder.objects.all():
        assert WORDS[state][0].format(pk=agreement.pk) in order.reasons[0]


@pytest.mark.parametrize("path", list(PATHS), ids=["/".join(p) for p in PATHS])
def test_every_path_goes_ahead_once_the_agreement_is_behind(bob, collections_agent, console, path):
    today = timezone.localdate()
    behind(bob, collections_agent, today)
    refused, said = PATHS[path](bob, collections_agent, console(collections_agent), today)
    assert not refused, said
    made = DisconnectionNotice.objects.count() + DisconnectionOrder.objects.filter(issued=True).count()
    assert made == 1


def test_the_refusal_is_said_in_spanish_and_recorded_in_english(bob, collections_agent, console):
    """Said in Spanish where a Spanish page asks; the staff console is in English whatever is asked."""
    today = timezone.localdate()
    agreement = kept(bob, collections_agent, today)
    with translation.override("es"), pytest.raises(NoticeError) as refused:
        disconnection_notice_send(account_id=bob.pk, service="water", sent_on=today, by=collections_agent)
    assert f"el cliente cumple el acuerdo de pago {agreement.pk}" in str(refused.value)
    client = console(collections_agent)
    page = client.post(
        f"/staff/collections/accounts/{bob.pk}/disconnect/?lang=es", {"service": "water", "on": today}
    ).content.decode()
    assert f"the customer keeps payment agreement {agreement.pk}" in page
    assert "el cliente cumple" not in page
    (order,) = DisconnectionOrder.objects.all()
    assert not order.issued and f"keeps payment agreement {agreement.pk}" in order.reasons[0]


def test_a_request_waiting_is_named_with_its_day_in_spanish(bob, collections_agent):
    today = timezone.localdate()
    waiting = asked(bob, collections_agent, today)
    with translation.override("es"), pytest.raises(AgreementProtects) as refused:
        disconnection_notice_record(account_id=bob.pk, service="water", sent_on=today)
    with translation.override("es"):
        day = date_format(waiting.requested_on)  # "26 de noviembre de 2026"
    said = str(refused.value)
    assert f"acuerdo {waiting.pk}, pedido el {day}) aún no tiene respuesta" in said
    assert not DisconnectionNotice.objects.exists()


def test_the_past_due_run_says_how_many_it_skipped_and_why(bob, customer, collections_agent):
    """The bulk run of collections letters skips an account keeping its agreement, and says so."""
    alice = Account.objects.get(customer=customer)
    bill_charged(alice, 8, "90.00")
    agreement = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 9, 27))
    payment_agreement_agree(
        agreement_id=agreement.pk, installment=Decimal("30"), by=collections_agent, on=date(2026, 9, 28)
    )
    out = StringIO()
    call_command("collection_notices", "past-due", "--on", "2026-10-05", "--no-progress", stdout=out)
    assert "1 letter queued" in out.getvalue()
    assert "1 account skipped: each keeps a payment agreement" in out.getvalue()
    assert OutboundMessage.objects.get(template="past_due").to_customer_id == bob.customer_id


# The writers of a notice or an order, and the model classes they write.
WRITERS = {"disconnection_notice_send", "disconnection_notice_record", "disconnection_order_issue"}
MODELS = {"DisconnectionNotice", "DisconnectionOrder"}
MAKES = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _makes_or_calls_a_writer(node) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = getattr(func, "id", None) or getattr(func, "attr", None)
    if name in WRITERS or name in MODELS:  # a writer called, or a model built to be saved
        return True
    if name in MAKES and isinstance(func, ast.Attribute):  # Model.objects.create(…)
        owner = func.value
        return isinstance(owner, ast.Attribute) and getattr(owner.value, "id", None) in MODELS
    # an order made issued some other way
    return name == "update" and any(k.arg == "issued" for k in node.keywords)


def _callers(node, where: str, within: str = "<module>"):
    """(module, innermost function) of every call in `node` that makes a notice or an order or calls a
    writer of one; a call outside any function (a module's own line, a decorator's argument) as `<module>`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in child.decorator_list:
                yield from _callers(decorator, where, within)
            for statement in child.body:
                yield from _callers(statement, where, child.name)
            continue
        if _makes_or_calls_a_writer(child):
            yield where, within
        yield from _callers(child, where, within)


def _paths_in_the_product():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "testing" in parts or "migrations" in parts:
            continue
        yield from _callers(ast.parse(path.read_text(encoding="utf-8")), "/".join(parts))


def test_every_path_is_walked():
    """Each function of the product that writes a notice or an order, or calls a writer of one, is a path
    walked above: a new one (a page, a command, an API route, a bulk or background run) fails here until it
    is. A bulk run skips the accounts an agreement protects and says how many, and why."""
    found = set(_paths_in_the_product())
    assert found - set(PATHS) == set(), "walk these paths in PATHS"
    assert set(PATHS) - found == set(), "these paths no longer make a notice or an order"
