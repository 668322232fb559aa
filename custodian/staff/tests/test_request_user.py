"""The signed-in user of each request, read in one query with their portal sign-in, its customer and whether
they chose an authenticator app: the same objects and values as the ORM reads, for a member of staff with a
confirmed authenticator, a portal customer, a deactivated user and an unknown one."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from custodian.customers.models import Customer
from custodian.portal.models import PortalAccount
from custodian.staff.backends import UserWithSignInBackend


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_member_of_staff_with_an_authenticator(billing_clerk, django_assert_num_queries):
    TOTPDevice.objects.create(user=billing_clerk, name="authenticator", confirmed=True)
    billing_clerk.refresh_from_db()
    with django_assert_num_queries(1):
        user = UserWithSignInBackend().get_user(billing_clerk.pk)
        assert user.confirmed_totp_at_load is True
        assert getattr(user, "portal_account", None) is None  # no query: known to have none
    assert _fields(user) == _fields(User.objects.get(pk=billing_clerk.pk))
    assert user.last_login is None or user.last_login.tzinfo is not None


def test_a_portal_customer_with_their_sign_in_and_customer(customer, django_assert_num_queries):
    user = get_user_model().objects.create_user(username="blind-index-of-an-address", password="x" * 20)
    PortalAccount.objects.create(user=user, customer=customer)
    Customer.objects.filter(pk=customer.pk).update(language="es")
    with django_assert_num_queries(1):
        read = UserWithSignInBackend().get_user(str(user.pk))  # as the session holds it
        account, loaded = read.portal_account, read.portal_account.customer
        assert account.user is read and loaded.portal_account is account
        assert read.confirmed_totp_at_load is False
    orm = PortalAccount.objects.select_related("user", "customer").get(user=user)
    assert _fields(read) == _fields(orm.user)
    assert _fields(account) == _fields(orm) and _fields(loaded) == _fields(orm.customer)
    assert loaded.language == "es" and account.enrolled_at.tzinfo is not None
    assert not read._state.adding and read._state.db == "default"


def test_deactivated_and_unknown_users_are_no_one(billing_clerk):
    User.objects.filter(pk=billing_clerk.pk).update(is_active=False)
    assert UserWithSignInBackend().get_user(billing_clerk.pk) is None
    assert UserWithSignInBackend().get_user(10**9) is None
    assert UserWithSignInBackend().get_user("not a number") is None
