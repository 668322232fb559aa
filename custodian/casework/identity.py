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
sign-in."""

from custodian.casework.choices import Verification
from custodian.casework.services import FROM_LIMITED_ACCOUNT

# What staff verify a request with (`account_and_bill` is checked by the system, the others attested).
STAFF_METHODS = (Verification.ACCOUNT_AND_FACT, Verification.PHOTO_ID, Verification.ACCOUNT_AND_BILL)
# What proves the person beyond the bill a limited account was opened with.
BEYOND_THE_BILL = (Verification.PHOTO_ID,)

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
