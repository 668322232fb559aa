"""What the usage app tells the apps built on it."""

from django.dispatch import Signal

# New readings of a customer were stored from a Green Button file (a staff import or the customer's own
# upload): sent with `customer_id`, `months` and `channel` (the provenance's) once stored; Connect My Data
# tells the third parties the customer authorised (ESPI BatchList) of what it would serve them.
readings_imported = Signal()
