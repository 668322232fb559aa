"""What the disclosure workflow tells the apps built on it, inside the transaction of the change."""

from django.dispatch import Signal

# A vendor was revoked (`vendor_revoke`): sent with `vendor`; the API revokes the vendor's tokens.
vendor_revoked = Signal()

# A consent was revoked (`consent_revoke`): sent with `consent`; Connect My Data deletes the tokens the
# third party holds under it, in the same transaction.
consent_revoked = Signal()
