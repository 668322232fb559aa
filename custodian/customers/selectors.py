"""Reads of the customer base's structure (nothing personal): accounts over time, who holds a premise."""

from datetime import date

from django.conf import settings
from django.db.models import F, Q, QuerySet

from custodian.audit.selectors import Asker
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account, Customer, Premise, ServiceChange, ServicePoint


def accounts_open_on(day: date) -> QuerySet[Account]:
    """Accounts in service on `day` (opened on or before it, not closed before it)."""
    return Account.objects.filter(opened_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=day)
    )


def open_accounts() -> QuerySet[Account]:
    return Account.objects.filter(closed_on__isnull=True)


# The policy file's categories that a representative's authority must name for these reads: the accounts are
# what the customer is billed on (seen with the bills), a request to stop or move service is about where
# they are served.
ACCOUNTS_CATEGORY = "bills"
SERVICE_CHANGES_CATEGORY = "service_address"


def accounts_of(*, fetched_by: Asker, customer_id) -> QuerySet[Account]:
    """The customer's accounts, open ones first, then the most recently closed (the same on every database:
    PostgreSQL and SQLite sort missing closing dates differently unless told): for the customer themself,
    their representative whose authority covers the bills, and staff (the page's own rule says which); none
    for anyone else, the same answer as for a customer without accounts, decided without a query."""
    if fetched_by.kind != "staff" and not fetched_by.reads_own(customer_id, category=ACCOUNTS_CATEGORY):
        return Account.objects.none()
    return (
        Account.objects.filter(customer_id=customer_id)
        .select_related("premise")
        .order_by(F("closed_on").desc(nulls_first=True), "-opened_on", "-pk")
    )


def current_premises(customer_id: int) -> QuerySet[Premise]:
    """The premises where the customer has service now."""
    return Premise.objects.filter(accounts__customer_id=customer_id, accounts__closed_on__isnull=True)


def current_premise_by_customer(customer_ids) -> dict[int, Premise]:
    """Each customer's premise with open service (the earliest opened when a customer has several)."""
    out: dict[int, Premise] = {}
    for a in (
        open_accounts()
        .filter(customer_id__in=list(customer_ids))
        .select_related("premise")
        .order_by("customer_id", "opened_on", "pk")
    ):
        out.setdefault(a.customer_id, a.premise)
    return out


def premise_by_meter(meter_number: str) -> Premise | None:
    """The premise whose meter carries this number (meter numbers are printed on the meter, in clear)."""
    point = ServicePoint.objects.filter(meter_number=meter_number.strip().upper()).select_related("premise")
    found = point.first()
    return found.premise if found else None


def open_account_at(premise_id: int) -> Account | None:
    return open_accounts().filter(premise_id=premise_id).select_related("customer").first()


def service_changes_waiting() -> QuerySet[ServiceChange]:
    """Customers' requests to stop or move service that customer service has still to carry out, soonest
    first."""
    return (
        ServiceChange.objects.filter(status=ServiceChange.Status.REQUESTED)
        .select_related("account", "account__premise")
        .order_by("on", "pk")
    )


def service_changes_of(*, fetched_by: Asker, customer_id) -> QuerySet[ServiceChange]:
    """The customer's requests to stop or move service, newest first: for the customer themself or their
    representative whose authority covers the service address; none for anyone else (as for none made)."""
    if not fetched_by.reads_own(customer_id, category=SERVICE_CHANGES_CATEGORY):
        return ServiceChange.objects.none()
    return ServiceChange.objects.filter(customer_id=customer_id).order_by("-requested_at", "-pk")


def customer_for(*, fetched_by: Asker, customer_id) -> Customer | None:
    """The customer's row (nothing personal in it), if `fetched_by` may ask about them: the customer
    themself, or staff (the page's own rule and the gate decide what they may then read). None otherwise,
    the same as for a customer that does not exist."""
    if fetched_by.kind == "customer" and fetched_by.customer_id != int(customer_id):
        return None
    if fetched_by.kind not in ("customer", "staff"):
        return None
    return Customer.objects.filter(pk=customer_id).first()


def message_language(chosen: str = "", *, page: str = "", typed_on_the_page: bool = False) -> str:
    """The one rule for the language of every e-mail and letter the utility writes to a customer: it follows
    whoever reads the address it goes to.

    - An address that is the customer's (on file, the sign-in they confirmed, the mailing address) is read
      by the customer: the language they `chose` in the portal, whatever page set the message off (a customer
      who chose Spanish and asks for a password reset from an English page reads Spanish); with no choice
      made, the language of the `page` that set it off (the best sign we have), else the site's default.
    - An address only typed into the `page` and not yet the customer's (a sign-up's address before it is
      confirmed) is read by whoever typed it: the page's language, never the customer's choice (that would
      tell a stranger holding a paper bill which language the account holder reads).

    Codes the utility does not write in count as no choice."""
    supported = {code for code, _ in settings.LANGUAGES}
    order = (page,) if typed_on_the_page else (chosen, page)
    return next((code for code in order if code in supported), settings.LANGUAGE_CODE)


def languages_of(customer_ids, *, page: str = "") -> dict[int, str]:
    """The language each customer's letters and messages are written in (`message_language`, to an address
    of theirs). In one query, for a mailing of many."""
    ids = [int(c) for c in customer_ids]
    chosen = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "language"))
    return {c: message_language(chosen.get(c) or "", page=page) for c in ids}


def customers_found(*, fetched_by: Asker, customer_ids) -> QuerySet[Customer]:
    """The rows of customers the gate found for staff (a lookup by a field); nothing for anyone else."""
    if fetched_by.kind != "staff":
        return Customer.objects.none()
    return Customer.objects.filter(pk__in=list(customer_ids))


def account_holders_among(customer_ids) -> list[int]:
    """Of `customer_ids`, those who hold accounts with us (not inquirers), in order. Nothing personal is
    read."""
    ids = list(customer_ids)
    holders = set(
        Customer.objects.filter(pk__in=ids)
        .exclude(customer_class=CustomerClass.INQUIRER)
        .values_list("pk", flat=True)
    )
    return [cid for cid in ids if cid in holders]


def customers_matching(*, customer_class: str = "", service: str = "", zip_code: str = "") -> list[int]:
    """Ids of active customers (never inquirers) of a class, with open service of a kind or in a ZIP code:
    the candidates of a marketing audience, before opt-outs are left out. Nothing personal is read."""
    qs = Customer.objects.filter(is_active=True).exclude(customer_class=CustomerClass.INQUIRER)
    if customer_class:
        qs = qs.filter(customer_class=customer_class)
    if service:
        qs = qs.filter(accounts__closed_on__isnull=True, accounts__premise__service_points__service=service)
    if zip_code:
        qs = qs.filter(accounts__closed_on__isnull=True, accounts__premise__zip_code=zip_code)
    return sorted(set(qs.values_list("pk", flat=True)))


def account_for(*, fetched_by: Asker, account_id) -> Account | None:
    """An account with its premise and customer (nothing personal), for staff (the page's rule says which);
    None for anyone else, the same as for an account that does not exist."""
    if fetched_by.kind != "staff":
        return None
    return Account.objects.select_related("premise", "customer").filter(pk=account_id).first()


def services_at(premise_id: int) -> list[str]:
    """The services (electric, water…) a premise's meters measure."""
    return list(ServicePoint.objects.filter(premise_id=premise_id).values_list("service", flat=True))


def premise_accounts(*, fetched_by: Asker, premise_id: int) -> list[Account]:
    """Every account a premise has had, with its customer, newest first, for staff; none for anyone else."""
    if fetched_by.kind != "staff":
        return []
    found = Account.objects.filter(premise_id=premise_id).select_related("customer")
    return list(found.order_by("-opened_on", "-pk"))


def service_change_for(*, fetched_by: Asker, change_id) -> ServiceChange | None:
    """A customer's request to stop or move service, for staff; None for anyone else and for none such."""
    if fetched_by.kind != "staff":
        return None
    return ServiceChange.objects.filter(pk=change_id).first()
