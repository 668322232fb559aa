"""A customer's requests forget how they arrived when the customer's erasure deletes what that told.

`CustomerRequest.source_key` recognises a request sent twice: a keyed digest of a form's sender (for someone
not yet known, the e-mail address or telephone number they gave), kind and message, or a digest of an
imported e-mail's Message-ID (of the whole message when it has none). Left after the erasure, it would tie the
request to the deleted address or to the message for anyone holding the key and a guess. The erasure clears
it on every request of the customer's, in its own transaction, and what relied on it still holds: a form's
key only ever told a resend while the request was open and ten minutes old at most; an imported message's
key (or a caller's, as the demo's) kept the same message from making a second request, so it leaves a keyed
digest of the key alone behind (`ForgottenSource`: no customer, no request, no day), which tells the intake
"had, and erased", and nothing about whom.

The erasure also reaches the records of someone not yet known that a request was verified as the customer's
and moved from (`CustomerRequest.received_as`): the same person, whose contact details go with the customer's.
"""

import re
from collections.abc import Iterable

from custodian.casework.models import CustomerRequest, ForgottenSource
from custodian.vault.services import blind_index_of

# The blind index's field a forgotten source key is kept under (its own, so it matches no personal value's).
_FORGOTTEN = "request_source_forgotten"


def _digest(source_key: str) -> str:
    return blind_index_of(_FORGOTTEN, source_key)


# The channels whose requests, sent from a form, keep the form's resubmit key (`casework.services`): a
# keyed hash, 64 hex digits, where a caller's own key (an imported e-mail's, the demo's) arrives by other
# channels or in another form.
FORM_CHANNELS = ("portal", "web_form")
_FORM_KEY = re.compile(r"[0-9a-f]{64}")


def _a_form_s(channel: str, key: str) -> bool:
    return channel in FORM_CHANNELS and bool(_FORM_KEY.fullmatch(key))


def request_sources_forget(*, customer_ids: Iterable[int]) -> int:
    """Clear the source key of every request of the customers; a caller's key (an imported message's) leaves
    its keyed digest alone in `ForgottenSource`, a form's resubmit key nothing (it only ever told a resend ten
    minutes old at most); in the caller's transaction. How many requests."""
    requests = CustomerRequest.objects.filter(customer_id__in=list(customer_ids), source_key__isnull=False)
    kept = [
        k for channel, k in requests.values_list("channel", "source_key") if k and not _a_form_s(channel, k)
    ]
    ForgottenSource.objects.bulk_create(
        [ForgottenSource(digest=_digest(k)) for k in kept], ignore_conflicts=True
    )
    return requests.update(source_key=None)


def source_forgotten(source_key: str) -> bool:
    """Whether a request that arrived with `source_key` was erased since (`request_sources_forget`)."""
    return ForgottenSource.objects.filter(digest=_digest(source_key)).exists()


def inquirers_joined(customer_ids: Iterable[int]) -> list[int]:
    """The records of someone not yet known whose requests were verified as the customers' and moved to them
    (`casework.data_requests.request_verify`): the same people, by the verification."""
    joined = CustomerRequest.objects.filter(customer_id__in=list(customer_ids), received_as__isnull=False)
    return sorted(set(joined.values_list("received_as_id", flat=True)))
