"""A change to one of a customer's records (an account, a request to stop or move service, a deposit, a
refund, a budget billing plan), in the access log as a change to that customer, in the writer's
transaction."""

from custodian.audit.actions import Action
from custodian.staff.services import customer_change_append


def record_change_append(action: Action, record, words: str, *, by) -> None:
    """The change to `record` (a row with its customer, `customer_id`) as an event on its customer: the
    reason names the record by its kind and id, then says what changed in `words` (amounts, dates and ids:
    no personal value). `by` as for `customer_change_append`: a member of staff, "customer", or None for a
    job."""
    customer_change_append(
        action,
        by=by,
        customer_id=record.customer_id,
        reason=f"{record._meta.verbose_name} {record.pk} {words}",
    )
