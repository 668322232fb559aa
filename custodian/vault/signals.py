"""What the vault tells the apps built on it, inside the transaction of the write."""

from django.dispatch import Signal

# The ways we reach a customer (a letter or e-mail goes by the first two, a call by the third): when one on
# file is replaced or removed, by whatever path, the customer is told of the change (a change made by someone
# else must not be silent).
CONTACT_FIELDS = ("email", "mailing_address", "phone")
# Of those, the ones a customer may be without (voluntary): one added where none was is told as well, or
# whoever removed the customer's number could add their own unseen.
ADDABLE = ("email", "phone")

# A customer's e-mail address, mailing address or telephone number on file was replaced or removed, or an
# e-mail address or telephone number added where none was (`vault.services`; not at enrolment): sent with
# `replaced` (the (customer id, field) pairs whose value was superseded or added), `at`
# (the moment it was superseded) and `submission`, in the write's transaction. The outbox tells the customer.
contact_replaced = Signal()
