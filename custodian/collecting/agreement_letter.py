"""The letters that answer a customer's request for a payment agreement, naming the account by the number
printed on its bill (read through the gate as the collections job for collecting payments), written in the
customer's language and sent through the outbox the way the customer's bills go (mailed, or for a paperless
customer kept in My account and told by e-mail: `billing.notices.letter_as_bills_go`):
- agreed: the monthly installment, the amount past due it pays, how many installments and when the first
  and the last fall due, and that new bills are still paid as they fall due;
- answered without an agreement: why (the terms offered and declined, or an account that is not a home's),
  that a notice of proposed disconnection may now follow, and that the customer may ask again;
- closed, nothing being past due any more: that no agreement is needed, and that the customer may ask again
  if they fall behind."""

from custodian.billing.notices import letter_as_bills_go
from custodian.collecting.agreements import installments_count, month_after
from custodian.customers.account_numbers import account_numbers
from custodian.policy.loader import current_policy
from custodian.vault.gate import system_actor

# The job that reads the account number a collections letter names (as `collecting.notices` does).
COLLECTIONS_JOB = "collections"


def _account_number(agreement, by) -> str:
    """The number on the agreement's account's bill ("" when none could be read: the letter names none)."""
    customer_id = agreement.account.customer_id
    return account_numbers(
        actor=system_actor(COLLECTIONS_JOB, on_behalf_of=by),
        customer_ids=[customer_id],
        purpose="collecting_payments",
        what_for="the account number a payment agreement's letter names",
    ).get(customer_id, "")


def agreement_terms_send(*, agreement, by) -> str:
    """Write the letter of an agreed payment agreement's terms to its customer, in the caller's transaction;
    returns the account number it names ("" when none could be read: the letter then names none)."""
    arrears, installment = agreement.arrears_agreed, agreement.monthly_installment
    months = installments_count(arrears, installment)
    return _answer_send(
        agreement,
        by,
        "payment_agreement",
        agreed_on=agreement.agreed_on,
        installment=f"{installment:,.2f}",
        arrears=f"{arrears:,.2f}",
        months=months,
        first_due_on=month_after(agreement.agreed_on, 1),
        last_due_on=month_after(agreement.agreed_on, months),
        last_amount=f"{arrears - installment * (months - 1):,.2f}",
    )


def agreement_declined_send(*, agreement, past_due, by) -> str:
    """Write the letter that answers the customer's request without an agreement, in the caller's
    transaction: why, with the installment offered when the customer declined the terms, and what was past due
    that day. Returns the account number it names."""
    offered = agreement.offered_installment
    return _answer_send(
        agreement,
        by,
        "payment_agreement_declined",
        requested_on=agreement.requested_on,
        declined_on=agreement.declined_on,
        because=agreement.declined_because,
        offered=f"{offered:,.2f}" if offered is not None else "",
        past_due=f"{past_due:,.2f}",
    )


def agreement_closed_send(*, agreement, by) -> str:
    """Write the letter that closes the customer's request with nothing past due any more, in the caller's
    transaction: no agreement is needed, and they may ask again if they fall behind. Returns the account
    number it names."""
    return _answer_send(
        agreement,
        by,
        "payment_agreement_closed",
        requested_on=agreement.requested_on,
        declined_on=agreement.declined_on,
    )


def _answer_send(agreement, by, template: str, **context) -> str:
    """A letter answering a request for a payment agreement, with what every such letter names: the
    utility, its phone number and the account's number (returned)."""
    number = _account_number(agreement, by)
    utility = current_policy().utility
    letter_as_bills_go(
        to_customer=agreement.account.customer,
        template=template,
        context={"utility": utility["name"], "phone": utility.get("phone", ""), "account_number": number}
        | context,
        regarding=f"payment_agreement:{agreement.pk}",
        sent_by=by,
    )
    return number
