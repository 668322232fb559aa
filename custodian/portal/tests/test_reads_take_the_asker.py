"""The portal's pages read other apps' records through selectors that take the asker (`fetched_by=`, the
gate's `actor=` for reads through the gate) and decide what they may see: a call into billing, casework,
collecting, connect, customers, disclosures, payments, retention or usage, or into the access log (audit),
that names the customer and not the asker fails here; so does a page that builds the customer as its own
asker (`customer_actor`) instead of the portal's (`portal_actor`: a representative's is narrowed to their
authority). The calls that name the customer without an asker are listed with their reason: writes
that record the customer's own act, the sign-in's own authorities, and a feed already read as the asker."""

import ast
from pathlib import Path

import custodian.portal

APPS = (
    "audit",
    "billing",
    "casework",
    "collecting",
    "connect",
    "customers",
    "disclosures",
    "payments",
    "retention",
    "usage",
)
ASKER = {"fetched_by", "actor"}

NAMING_THE_CUSTOMER_WITHOUT_AN_ASKER = {
    # Writes: each records the customer's (or their representative's) own act; the page's scope decides.
    "paperless_set": "a write: the paperless choice",
    "request_intake": "a write: the request made",
    "Intake": "the request made, as request_intake takes it",
    "service_change_ask": "a write: the request to stop or move service",
    "append_change": "a write: the access log's record of the customer's own change",
    "representative_person_join": "a write: an authority joins the sign-in of the person it was sent to",
    # A write's invariant on the facts, whoever asks: the e-mail address paperless bills go to stays.
    "paperless_in_force": "a write's check on the facts: the address the paperless bills go to stays",
    # Who the person signed in may act for: their own authorities, read before there is an asker.
    "represented_by": "the signed-in person's own authorities",
    # Readings already read through the gate as the asker, written out; the id is the feed's subject.
    "espi_feed": "the feed of readings read through the gate as the asker",
}


def _outside_nested_calls(node):
    """The nodes of an argument, not entering the calls inside it (their own arguments are checked as
    calls of their own)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(c for c in ast.iter_child_nodes(n) if not isinstance(c, ast.Call))


def _names_the_customer(call: ast.Call) -> bool:
    if any(k.arg == "customer_id" for k in call.keywords):
        return True
    args = [*call.args, *(k.value for k in call.keywords)]
    return any(
        getattr(n, "id", None) == "customer_id" or getattr(n, "attr", None) == "customer_id"
        for a in args
        for n in _outside_nested_calls(a)
    )


def calls_without_the_asker(source: str) -> set[str]:
    """The names of functions of those apps called with the customer named and no asker."""
    tree = ast.parse(source)
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[:2][-1] in APPS
        and (node.module or "").startswith("custodian.")
        for alias in node.names
    }
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in imported
        and _names_the_customer(node)
        and not {k.arg for k in node.keywords} & ASKER
        and None not in {k.arg for k in node.keywords}  # **as_me(request): the asker among them
    }


def test_the_rule_catches_a_read_by_the_customer_id_alone():
    old = (
        "from custodian.billing.selectors import bills_of_customer, statement\n"
        "def page(request):\n"
        "    bills_of_customer(request.customer_id)\n"
        "    bills_of_customer(fetched_by=portal_actor(request), customer_id=request.customer_id)\n"
        "    statement([a.pk for a in accounts_of(request.customer_id)], on=today)\n"
    )
    assert calls_without_the_asker(old) == {"bills_of_customer"}


def test_the_rule_covers_every_read_that_takes_the_asker_now():
    # The reads the portal made by the customer's id alone, as they were called: each would fail again.
    old = (
        "from custodian.billing.notices import is_paperless\n"
        "from custodian.billing.estimate import customer_interval_costs\n"
        "from custodian.usage.services import usage_points_held\n"
        "from custodian.customers.selectors import accounts_of, service_changes_of\n"
        "from custodian.disclosures.selectors import accounting_summary\n"
        "from custodian.retention.erasure import erasure_answer\n"
        "def page(request, customer):\n"
        "    is_paperless(request.customer_id)\n"
        "    customer_interval_costs(request.customer_id)\n"
        "    usage_points_held(customer_id=customer.pk)\n"
        "    accounts_of(customer_id)\n"
        "    service_changes_of(request.customer_id)[:20]\n"
        "    accounting_summary(request.customer_id)\n"
        "    erasure_answer(customer_id=request.customer_id)\n"
        "    accounts_of(fetched_by=portal_actor(request), customer_id=request.customer_id)\n"
    )
    assert calls_without_the_asker(old) == {
        "is_paperless",
        "customer_interval_costs",
        "usage_points_held",
        "accounts_of",
        "service_changes_of",
        "accounting_summary",
        "erasure_answer",
    }


def test_the_portal_reads_other_apps_records_with_the_asker():
    found: dict[str, set[str]] = {}
    for path in sorted(Path(custodian.portal.__file__).parent.glob("*.py")):
        for name in calls_without_the_asker(path.read_text()):
            found.setdefault(name, set()).add(path.name)
    unlisted = {
        name: files for name, files in found.items() if name not in NAMING_THE_CUSTOMER_WITHOUT_AN_ASKER
    }
    assert not unlisted, f"reads by the customer's id without the asker (pass fetched_by=): {unlisted}"
    gone = set(NAMING_THE_CUSTOMER_WITHOUT_AN_ASKER) - set(found)
    assert not gone, f"no longer called so: take them off the list {sorted(gone)}"


# Where the portal builds the customer as the gate's asker itself, and why; anywhere else it would read as the
# whole customer for a representative acting for them (the access log once did, showing every event).
BUILDING_THE_CUSTOMER_AS_THE_ASKER = {
    "access.py": "portal_actor itself: the customer, or the representative narrowed to the authority",
    "email_change.py": "a confirmation link opened without a session: the customer it was sent for",
    "services.py": "the representative's own record, read as them",
    "privacy_views.py": "the access log's compiled read, used for the customer themself only",
}


def test_the_portal_reads_as_the_asker_it_was_given():
    found = {
        path.name
        for path in Path(custodian.portal.__file__).parent.glob("*.py")
        if "customer_actor(" in path.read_text()
    }
    assert found == set(BUILDING_THE_CUSTOMER_AS_THE_ASKER), (
        f"the customer built as the asker outside the listed places (use portal_actor): "
        f"{sorted(found - set(BUILDING_THE_CUSTOMER_AS_THE_ASKER))}"
    )
