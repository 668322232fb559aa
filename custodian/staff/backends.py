"""Password sign-in (Django's ModelBackend), with the signed-in user read on each request in one query
together with what every page asks of them next: the customer's portal sign-in and customer record (the
language they chose), if any, and whether they chose an authenticator app (the portal asks for its code every
time). The three lookups were a query each on every request; as one query they say the same, read at the same
moment."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice


class UserWithSignInBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("portal_account__customer")
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        try:
            user = users.annotate(confirmed_totp_at_load=Exists(confirmed)).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
