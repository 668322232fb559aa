"""What the vault tells the apps built on it, inside the transaction of the write."""

from django.dispatch import Signal

# The ways we reach a customer that a letter or e-mail goes by: when one on file is replaced, by whatever
# path, the old one is told of the change (a change made by someone else must not be silent).
CONTACT_FIELDS = ("email", "mailing_address")

# A customer's e-mail address or mailing address on file was replaced (`vault.services`): sent with
# `replaced` (the (customer id, field) pairs whose value was superseded), `at` (the moment it was superseded)
# and `submission`, in the write's transaction. The outbox writes to the old address.
contact_replaced = Signal()
