"""What data a message we sent carries, by the policy file's data categories, in one place: every page and
file that shows a customer's letters (the portal's Letters page, a letter's printed PDF, the download of
everything) shows a letter's words only to a reader whose categories cover what it carries. The customer
reads all of them; a representative acting for them reads a letter only within their authority: a past-due
notice carries the bills and the account number, a data request's answer every category it lists.

By its template, unless the letter recorded what it carries when it was written (`OutboundMessage.carries`:
a data request's answer names the categories it holds; staff's reply to a request a representative made,
those of her authority). Every template is listed (the notices in the utility's words, none of the
customer's data, with nothing beyond the correspondence itself; staff's reply, typed freely, every
category); one that is not, a template added later and not yet weighed, carries every category: shown to no
representative until it is listed (`outbox/tests/test_every_template_says_what_it_carries.py`). Its header
lines carry the address it went to: an e-mail's `To` is the customer's e-mail address, a letter's
`Mailed-To` a mailing address; the printed copy carries the name and mailing address it was posted to."""

from custodian.outbox.services import content_parse
from custodian.policy.loader import current_policy

CORRESPONDENCE = "correspondence"
# Every category of the customer's own data (the policy file's self-access categories): a letter whose words
# may hold any of it (a data request's answer, a correction's notice and outcome naming the corrected value).
EVERY = "*"
_ARREARS = ("bills", "account_number")
TEMPLATE_CARRIES = {
    "bill_ready": ("bills",),
    "payment_receipt": ("bills",),
    "letter_in_my_account": (),
    **dict.fromkeys(
        ("past_due", "payment_agreement", "payment_agreement_closed", "payment_agreement_declined"), _ARREARS
    ),
    "disconnection_notice": (*_ARREARS, "service_address", "disconnection_protection"),
    "disconnection_withdrawn": (*_ARREARS, "service_address", "disconnection_protection"),
    "cold_weather_notice": ("disconnection_protection",),
    "contact_changed": ("email", "phone", "mailing_address"),
    "meter_challenge_result": ("meter_usage",),
    **dict.fromkeys(("data_request_answer", "correction_outcome", "correction_notice"), (EVERY,)),
    # Staff's reply to a request, typed freely: it may quote any of the customer's data. A reply to a request
    # the customer's representative made records the categories of the authority she asked under
    # (`casework.desk.reply_send`), which staff see on the request and write within: hers to read.
    "request_reply": (EVERY,),
    # In the utility's words: what happened, what to do, a link; none of the customer's data in them.
    **dict.fromkeys(
        (
            "breach_notice",
            "erasure_answer",
            "policy_change",
            "request_received",
            "portal_confirm",
            "portal_confirm_elsewhere",
            "portal_confirm_on_file",
            "portal_email_change",
            "portal_email_changed",
            "portal_password_reset",
            "portal_sign_in_changed",
            "portal_sign_up_refused",
            "portal_sign_up_address_in_use",
            "portal_signed_up",
            "representative_invitation",
            "representative_answer_waiting",
            "representative_answered",
            "representative_reply_waiting",
            # No longer sent (the customer is told once a request, by `representative_answered`): the letters
            # told of each reply before are kept on the record under it.
            "representative_replied",
        ),
        (),
    ),
}
# Messages to staff and to the utility's own addresses, never a customer's letter: none is listed above.
NOT_TO_CUSTOMERS = frozenset(
    {
        "log_head",
        "legal_authority_second",
        "staff_change",
        "staff_power_lost",
        "staff_setup_link",
        "vendor_determination",
    }
)
# A header line of the sealed text and the category of what it names, by the message's channel.
HEADER_CARRIES = {("e-mail", "To"): "email", ("letter", "Mailed-To"): "mailing_address"}
PRINTED_CARRIES = ("name", "mailing_address")


def _expanded(keys) -> frozenset[str]:
    if EVERY in keys:
        return frozenset(current_policy().self_access_categories)
    return frozenset(keys)


def carried(message) -> frozenset[str]:
    """The categories a message's subject and words carry: the correspondence, and what it recorded or its
    template carries (every category, for a letter not found or a template not listed: nothing is shown of
    it by guess)."""
    if message is None:
        return _expanded((EVERY,)) | {CORRESPONDENCE}
    recorded = [c for c in message.carries.split(",") if c] if message.carries else None
    keys = recorded if recorded is not None else TEMPLATE_CARRIES.get(message.template, (EVERY,))
    return _expanded(keys) | {CORRESPONDENCE}


def _in_policy_order(keys) -> list[str]:
    order = list(current_policy().categories)
    return sorted(keys, key=lambda k: order.index(k) if k in order else len(order))


def left_out(message, within, *, printed: bool = False) -> list[str]:
    """The categories a message (or its printed copy) carries that `within` does not cover, in the policy
    file's order: none for a reader of every category (`within` None, the customer themself)."""
    if within is None:
        return []
    keys = carried(message) | (frozenset(PRINTED_CARRIES) if printed else frozenset())
    return _in_policy_order(keys - frozenset(within))


def headers_within(headers: dict, channel: str, within) -> dict:
    """A message's header lines without those naming an address `within` does not cover."""
    if within is None:
        return headers
    return {
        name: value
        for name, value in headers.items()
        if HEADER_CARRIES.get((channel, name), CORRESPONDENCE) in within
    }


def text_within(text: str, within) -> str:
    """A message's sealed text (`services.content_text`) without the header lines naming an address `within`
    does not cover; any other text as it is."""
    if within is None or not text.startswith("Channel: "):
        return text
    headers, body = content_parse(text)
    kept = headers_within(headers, headers.get("Channel", ""), within)
    return "".join(f"{name}: {value}\n" for name, value in kept.items()) + "\n" + body


def reader_within(actor):
    """The categories a reader of a customer's letters may see: a representative's authority's, None (every
    one) for anyone else the gate lets read them."""
    return actor.categories if actor.kind == "customer" else None
