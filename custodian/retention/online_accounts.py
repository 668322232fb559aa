"""Customers' online accounts, deleted with their data (closed accounts past their period, an erasure
request). The portal keeps them and sits above retention, so it registers how to delete them when its app
is ready (`custodian.portal.apps`), with where the refs of the sealed documents an online account holds
start (the address it signs in with, an address waiting to be confirmed): they are deleted with it, so no
e-mail address given for an online account outlives the account. Without a portal there are none."""

from collections.abc import Callable, Sequence

from custodian.vault.services import documents_delete

_delete: Callable[[Sequence[int]], int] | None = None
_documents: tuple[str, ...] = ()


def register(delete: Callable[[Sequence[int]], int], *, documents: Sequence[str] = ()) -> None:
    global _delete, _documents
    _delete = delete
    _documents = tuple(documents)


def online_account_documents() -> tuple[str, ...]:
    """Where the refs of the documents an online account holds start (deleted with the account)."""
    return _documents


def online_accounts_delete(customer_ids: Sequence[int]) -> int:
    """Delete the customers' online accounts, their sign-ins and the documents they hold, in the caller's
    transaction; how many accounts."""
    for prefix in _documents:
        documents_delete(customer_ids=customer_ids, ref_prefix=prefix)
    return _delete(customer_ids) if _delete is not None else 0
