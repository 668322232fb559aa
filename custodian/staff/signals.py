"""What staff administration tells the apps built on it, inside the transaction of the change."""

from django.dispatch import Signal

# A member of staff was deactivated (`staff_member_deactivate`): sent with `user`; a receiver returns how
# many of the member's credentials it ended (the API revokes their tokens and returns the count).
staff_offboarded = Signal()

# Someone must be told of a staff change (custodian.staff.approvals) or of another decision waiting for a
# second person (a vendor determination): sent with `to` (the members of staff to tell), `template` (the
# outbox's message template), `context` and optionally `regarding` (the record it concerns, for the outbox's
# record); the console sends each an e-mail through the outbox. Sent inside the change's transaction, so a
# change and its notice stand or fall together.
staff_notice = Signal()
