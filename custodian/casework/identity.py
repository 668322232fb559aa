"""How the person behind a request may be verified, by what the request is: one rule that the service
verifying a request (`custodian.casework.data_requests.request_verify`), the one applying a correction
(`custodian.casework.corrections`) and the console's verification step all read.

A request sent from an online account still limited (`custodian.portal.mailed_code`: opened with the account
number and last month's electricity use from a paper bill, the code printed in the letter mailed to the
address on file not yet entered) may come from anyone holding one of the customer's bills. The account number
with a figure or a fact from the bill proves no more than what opened that account, so such a request is
verified only by photo ID at the counter. A signed letter would prove no more either (we keep no signature to
compare it with, and a paper request is verified by the bill's facts); the customer who wants to stay online
enters the code from our letter instead, and a request sent again from the account is then verified by the
sign-in.

The e-mail address and the mailing address on file prove who someone is in their turn: the portal's sign-up
link goes to the one, the code that lifts a limited account is mailed to the other. The bill's figures and
facts are held by anyone holding the bill, so a correction of either is made only for a person verified by
photo ID at the counter or by the customer's own sign-in (not a limited one, which proved the e-mail address
on file already): `PROVES_A_CHANNEL`, read by the correcting service and the console's correction step."""

from custodian.casework.choices import Verification
from custodian.casework.services import FROM_LIMITED_ACCOUNT

# What staff verify a request with (`account_and_bill` is checked by the system, the others attested).
STAFF_METHODS = (Verification.ACCOUNT_AND_FACT, Verification.PHOTO_ID, Verification.ACCOUNT_AND_BILL)
# What proves the person beyond the bill a limited account was opened with.
BEYOND_THE_BILL = (Verification.PHOTO_ID,)

# The contact channels that prove who someone is (the sign-up link and the mailed code go to them), and the
# proof strong enough to change them: not the bill's figures and facts, which anyone holding the bill has.
PROVING_CHANNELS = frozenset({"email", "mailing_address"})
PROVES_A_CHANNEL = frozenset({Verification.PHOTO_ID, Verification.PORTAL_SIGN_IN})

CHANNEL_NEEDS_STRONG_PROOF = (
    "The e-mail address and the mailing address on file are where we reach the customer to prove who they "
    "are (the online sign-up link goes to the one, the code that opens a limited account is mailed to the "
    "other), so they are corrected only for a person verified by photo ID at the counter or by the "
    "customer's own sign-in to My account. The account number with a figure or a fact from the bill does "
    "not do: anyone holding the bill has them. Ask the customer to bring photo ID to the counter, or to "
    "change it in My account."
)

BILL_PROVES_NOTHING_HERE = (
    "This request was sent from an online account that is still limited (the code from our letter not yet "
    "entered): anyone holding one of the customer's bills could have opened it with the account number and "
    "last month's electricity use. The account number with a figure or a fact from the bill proves no more "
    "than that, so it does not verify this request: see the person's photo ID at the counter. (Once the "
    "customer enters the code from our letter, a request they send again from the portal is verified by "
    "their sign-in.)"
)


def from_limited_account(request) -> bool:
    """Whether a request was sent from an online account still limited (its history says so)."""
    return request.history.filter(action=FROM_LIMITED_ACCOUNT).exists()


def verification_methods(request) -> tuple[str, ...]:
    """The methods staff may verify the person behind `request` by: photo ID alone for a request sent from a
    limited online account, else any of STAFF_METHODS."""
    return BEYOND_THE_BILL if from_limited_account(request) else STAFF_METHODS


def verification_refused(request, method: str) -> str:
    """Why `method` does not verify the person behind `request`, in words for staff ("" if it may)."""
    if method in verification_methods(request):
        return ""
    if method in STAFF_METHODS:
        return BILL_PROVES_NOTHING_HERE
    return "verify by the account number and a bill figure, a fact from the bill, or photo ID"


def proves_a_channel(request) -> bool:
    """Whether the person behind `request` was verified strongly enough to change the e-mail address or the
    mailing address on file (`PROVES_A_CHANNEL`; never for a request sent from a limited online account)."""
    return request.verification in PROVES_A_CHANNEL and not from_limited_account(request)


def channel_change_refused(request, fields) -> str:
    """Why the e-mail address or mailing address among `fields` may not be corrected for the person behind
    `request`, in words for staff ("" if they may, or none of them is asked for)."""
    if PROVING_CHANNELS & set(fields) and not proves_a_channel(request):
        return CHANNEL_NEEDS_STRONG_PROOF
    return ""
