"""Customers' online accounts, deleted with their data (closed accounts past their period, an erasure
request). The portal keeps them and sits above retention, so it registers how to delete them when its app
is ready (`custodian.portal.apps`), with where the refs of the sealed documents an online account holds
start (the address it signs in with, an address waiting to be confirmed): they are deleted with it, so no
e-mail address given for an online account outlives the account. It registers too how to forget the names
the e-mail addresses an erasure deletes would sign in with, kept in the sign-in records whether or not an
account used them (`addresses_forget`), and which of them an online account still signs in with
(`addresses_held`: an earlier address on file destroyed by the retention run may be one). Without a portal
there are none."""

from collections.abc import Callable, Sequence

from custodian.vault.services import documents_delete

_delete: Callable[[Sequence[int]], int] | None = None
_documents: tuple[str, ...] = ()
_forget: Callable[[Sequence[str]], int] | None = None
_held: Callable[..., set[str]] | None = None


def register(
    delete: Callable[[Sequence[int]], int],
    *,
    documents: Sequence[str] = (),
    addresses_forget: Callable[[Sequence[str]], int] | None = None,
    addresses_held: Callable[..., set[str]] | None = None,
) -> None:
    global _delete, _documents, _forget, _held
    _delete = delete
    _documents = tuple(documents)
    _forget = addresses_forget
    _held = addresses_held


def online_account_documents() -> tuple[str, ...]:
    """Where the refs of the documents an online account holds start (deleted with the account)."""
    return _documents


def online_accounts_delete(customer_ids: Sequence[int]) -> int:
    """Delete the customers' online accounts, their sign-ins and the documents they hold, in the caller's
    transaction; how many accounts."""
    for prefix in _documents:
        documents_delete(customer_ids=customer_ids, ref_prefix=prefix)
    return _delete(customer_ids) if _delete is not None else 0


def sign_in_addresses_forget(digests: Sequence[str]) -> int:
    """Forget the sign-in names of the e-mail addresses whose blind indexes are `digests` (deleted by an
    erasure), in the caller's transaction; how many records."""
    return _forget(list(digests)) if _forget is not None else 0


def sign_in_addresses_held(digests: Sequence[str], *, but_of: Sequence[int] = ()) -> set[str]:
    """Which of the e-mail addresses whose blind indexes are `digests` an online account signs in with (but
    the online accounts of the customers `but_of`)."""
    return _held(list(digests), but_of=list(but_of)) if _held is not None else set()
