"""A new e-mail address given to staff (an accuracy challenge's correction) goes on file only once it confirms
itself, by the rule the portal keeps for the customer's own change: a link sent to the new address, a button
on the page it opens, the old address told then. Until then the address on file stays as it is, so bills,
notices and the sign-up of an online account (whose link goes to the address on file) still reach the
customer: whoever gave staff the new address, however they were verified, holds nothing by it until that
inbox answers.

The portal sends the link and records the address on its confirmation (`custodian.portal.email_change`);
casework sits under the portal, so the portal registers how at start-up (`email_confirmation_register`)."""

from collections.abc import Callable

from custodian.casework.services import RequestError

# (customer, email, confirm_url, recorded_by_label) -> False when the address is the one on file already.
Ask = Callable[..., bool]
_ASK: list[Ask] = []

NOT_SENT_HERE = (
    "A new e-mail address goes on file only once it confirms itself by the link we e-mail to it, and no link "
    "can be sent from here: ask the customer to change it in My account."
)


def email_confirmation_register(ask: Ask) -> None:
    """`ask(customer=, email=, confirm_url=, recorded_by_label=)`: e-mail the new address its link."""
    _ASK[:] = [ask]


def email_confirmation_ask(*, customer, email: str, confirm_url, recorded_by_label: str) -> bool:
    """E-mail `email` the link that puts it on file for `customer` once confirmed; False when it is the
    address on file already (nothing sent). RequestError when no link can be sent (`confirm_url` None)."""
    if not _ASK or confirm_url is None:
        raise RequestError(NOT_SENT_HERE)
    ask = _ASK[0]
    return ask(customer=customer, email=email, confirm_url=confirm_url, recorded_by_label=recorded_by_label)
