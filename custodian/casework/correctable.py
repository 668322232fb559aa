"""What answering an accuracy challenge may correct, and how (Minn. Stat. § 13.04 subd. 4): a value a person
gave and can type again, checked by the field every other form takes it with; a record the utility makes
(bills, meter readings) or one that changes only through its own workflow (the bank account of an automatic
payment, the marketing choice) is refused with where it is corrected. The others the customer asks us to
tell are read as "name | address", each line that isn't one named back to staff."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone

from custodian import bounds
from custodian.casework.services import RequestError
from custodian.dates import long_date

# What an answer to a challenge corrects itself: values a person gave us and can type again, each checked by
# the field every other form takes it with (what a correction stores is then what a form would have stored).
CORRECTABLE = {
    "name": lambda: bounds.ShownTextField(max_length=200),
    "email": lambda: forms.EmailField(
        max_length=254, error_messages={"invalid": "Enter an e-mail address such as name@example.com."}
    ),
    "phone": bounds.PhoneField,
    "mailing_address": bounds.MailingAddressField,
    "service_address": lambda: forms.CharField(max_length=200),
}
# Records the utility makes, or that change only through a workflow of their own: a challenge of them is
# answered there (the customer still gets a letter with the right to appeal), never by typing a value in.
CORRECTED_ELSEWHERE = {
    "meter_usage": "Meter readings are corrected by a re-read or a billing adjustment: send the challenge to "
    "one of them (Meter readings challenged).",
    "bills": "Bills are records billing makes from the readings and the tariff: send the challenge to a "
    "billing adjustment (Meter readings challenged: Billing adjusts the bill).",
    "account_number": "The account number is the utility's own number for the account, not a value to type "
    "in: hand the request to Billing if it is on the wrong account.",
    "bank_account": "The bank account for automatic payment changes only with the customer's new "
    "authorization: they enter it again under Automatic payment in My account, or sign a new form.",
    "marketing_preference": "The marketing choice is the customer's to make: in My account, or recorded by "
    "the service desk on the customer's page.",
    "disconnection_protection": "Facts for protections against disconnection are recorded by Collections "
    "from the certification or the qualification itself: hand the request to Collections.",
    "correspondence": "Letters and messages are kept as they were sent or received.",
}


# The ways we reach the customer, by which a one-time code or link travels (the letter that lifts an online
# account's limit goes to the mailing address): never corrected on the word of a request sent from an online
# account still limited, whoever verifies the sender afterwards (custodian.casework.identity); a signed
# letter proves no more than the bill (a paper request is verified by the bill's facts).
CONTACT_CHANNELS = frozenset({"mailing_address", "email", "phone"})
NOT_ON_A_LIMITED_ACCOUNTS_WORD = (
    "This request was sent from an online account that is still limited: anyone holding the customer's bill "
    "could have opened it, and the code that lifts the limit is mailed to the address on file. A mailing "
    "address, e-mail address or phone number is never changed on its word: ask the customer to confirm the "
    "change at the counter with photo ID, and record that as a new request."
)


def corrected_value(field: str, value: str) -> str:
    """`value` for `field` as its own form field keeps it (RequestError: why not, in words for staff; a
    record corrected elsewhere says where)."""
    if field in CORRECTED_ELSEWHERE:
        raise RequestError(CORRECTED_ELSEWHERE[field])
    if field not in CORRECTABLE:
        raise RequestError(f"{field!r} is not a correctable item")
    try:
        cleaned = CORRECTABLE[field]().clean(value)
    except forms.ValidationError as exc:
        raise RequestError(" ".join(str(m) for m in exc.messages)) from None
    if not str(cleaned).strip():
        raise RequestError("a correction needs the corrected value")
    return str(cleaned).strip()


@dataclass
class NamedRecipient:
    """Someone the customer asked us to tell of the correction: a name, and an e-mail or US mailing address
    (the notice goes by e-mail, or is printed and posted)."""

    name: str
    address: str = ""


def named_recipient_problem(name: str, address: str) -> str:
    """What keeps a named recipient from being told ("" if nothing): a name and an address to reach them."""
    if not name.strip():
        return "give the name before the |"
    if not address.strip():
        return "give their e-mail or mailing address after the |, as in: Bob Brown | 1 Elm St, Owatonna 55060"
    if "@" in address:
        try:
            forms.EmailField().clean(address.strip())
        except forms.ValidationError:
            return "the e-mail address is not one (such as name@example.com)"
        return ""
    problems = bounds.mailing_address_problems(bounds.mailing_address_typed(address))
    return " ".join(str(p) for p in problems)


def named_recipients_read(text: str) -> tuple[list[NamedRecipient], list[str]]:
    """The lines of "name | address" as recipients, and a problem for each line that isn't one (by line
    number), so that nobody the customer named is dropped without staff knowing."""
    named, problems = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, bar, address = line.partition("|")
        problem = named_recipient_problem(name, address) if bar else "write it as: name | address"
        if problem:
            problems.append(f"Line {n} ({line.strip()[:60]}): {problem}")
        else:
            kept = address.strip() if "@" in address else bounds.mailing_address_typed(address)
            named.append(NamedRecipient(name.strip(), kept))
    return named, problems


# The events that answer a challenge, as the refusal of a second answer names them.
ANSWERS = {
    "corrected": "the data was corrected",
    "disputed": "the data was found correct",
    "meter_challenge": "the readings were sent to a re-read or an adjustment",
}


def answered_already(request) -> None:
    """A challenge is answered once: a correction, a decision that the data is correct, or a meter challenge
    sent to a re-read. The customer got that answer by letter; a further correction is a new challenge (a new
    request, with its own answer), not a second letter on this one."""
    done = request.history.filter(action__in=ANSWERS).order_by("-at").first()
    if done is not None:
        raise RequestError(
            f"This challenge was answered already ({ANSWERS[done.action]}, "
            f"{long_date(timezone.localdate(done.at))}): a further correction is a new request."
        )
