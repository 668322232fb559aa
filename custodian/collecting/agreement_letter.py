"""The letter that tells a customer the terms of the payment agreement collections agreed with them: the
account (by the number printed on its bill, read through the gate as the collections job for collecting
payments), the monthly installment, the amount past due it pays, how many installments and when the first
and the last fall due, and that new bills are still paid as they fall due. Written in the customer's
language and sent through the outbox like the other collections letters (`collecting.notices`)."""

from custodian.collecting.agreements import installments_count, month_after
from custodian.customers.account_numbers import account_numbers
from custodian.outbox.services import letter_send
from custodian.policy.loader import current_policy
from custodian.vault.gate import system_actor

# The job that reads the account number a collections letter names (as `collecting.notices` does).
COLLECTIONS_JOB = "collections"


def agreement_terms_send(*, agreement, by) -> str:
    """Write the letter of an agreed payment agreement's terms to its customer, in the caller's transaction;
    returns the account number it names ("" when none could be read: the letter then names none)."""
    account = agreement.account
    arrears, installment = agreement.arrears_agreed, agreement.monthly_installment
    months = installments_count(arrears, installment)
    number = account_numbers(
        actor=system_actor(COLLECTIONS_JOB, on_behalf_of=by),
        customer_ids=[account.customer_id],
        purpose="collecting_payments",
        what_for="the account number a payment agreement's letter names",
    ).get(account.customer_id, "")
    utility = current_policy().utility
    letter_send(
        to_customer=account.customer,
        template="payment_agreement",
        context={
            "utility": utility["name"],
            "phone": utility.get("phone", ""),
            "account_number": number,
            "agreed_on": agreement.agreed_on,
            "installment": f"{installment:,.2f}",
            "arrears": f"{arrears:,.2f}",
            "months": months,
            "first_due_on": month_after(agreement.agreed_on, 1),
            "last_due_on": month_after(agreement.agreed_on, months),
            "last_amount": f"{arrears - installment * (months - 1):,.2f}",
        },
        regarding=f"payment_agreement:{agreement.pk}",
        sent_by=by,
    )
    return number
