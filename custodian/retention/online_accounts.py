"""Customers' online accounts, deleted with their data (closed accounts past their period, an erasure
request). The portal keeps them and sits above retention, so it registers how to delete them when its app
is ready (`custodian.portal.apps`); without a portal there are none to delete."""

from collections.abc import Callable, Sequence

_delete: Callable[[Sequence[int]], int] | None = None


def register(delete: Callable[[Sequence[int]], int]) -> None:
    global _delete
    _delete = delete


def online_accounts_delete(customer_ids: Sequence[int]) -> int:
    """Delete the customers' online accounts and their sign-ins, in the caller's transaction; how many."""
    return _delete(customer_ids) if _delete is not None else 0
