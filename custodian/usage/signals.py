"""What the usage app tells the apps built on it."""

from django.dispatch import Signal

# New readings of a customer were stored from a Green Button file (a staff import or the customer's own
# upload): sent with `customer_id` and `months` once stored; Connect My Data tells the third parties the
# customer authorised (ESPI BatchList).
readings_imported = Signal()
