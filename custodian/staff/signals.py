"""What staff administration tells the apps built on it, inside the transaction of the change."""

from django.dispatch import Signal

# A member of staff was deactivated (`staff_member_deactivate`): sent with `user`; a receiver returns how
# many of the member's credentials it ended (the API revokes their tokens and returns the count).
staff_offboarded = Signal()
