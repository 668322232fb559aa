"""Enrolment in the portal: the account number and a figure from the bill prove the customer holds the
account; a link sent by e-mail confirms the sign-up. Until confirmed, nothing can be seen.

The bill figures are printed on paper anyone in the house (or anyone who finds the bill) can read, so they are
never enough on their own where we already have a way to reach the customer:
- the address given at sign-up is only the address the customer signs in with; the e-mail address on file
  (where bills and notices go) never changes here: the portal's change of contact details does that, with a
  link to the new address and word to the old (custodian.portal.email_change);
- where an e-mail address on file differs from the one given, the confirmation link goes to the address on
  file, and the address given is told to look there; where none is on file, the link goes to the address
  given and, once confirmed, the account is limited (it sees and pays, nothing that binds the customer)
  until the code in the letter then mailed to the mailing address is entered (custodian.portal.mailed_code);
- a confirmed online account is never replaced by a sign-up: the attempt is refused with the same answer as
  a wrong bill figure, and the account's sign-in address and the address on file are told;
- an address that signs in already is never given a second account, and the page does not say so: it
  answers "check your e-mail" as for any sign-up, and the address is told it has an account and how to sign
  in or set a new password, so sign-up can't be used to learn whether an address has an account.
A link confirms nothing when it is opened (mail scanners open links): the page it opens has a button.

One module (over 400 lines) on purpose: every way a sign-in comes to be (sign-up, confirmation, a
representative's invitation) and the addresses it tells are checked here, against one rule of who holds an
address."""

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.casework.package_words import SIGN_IN_REF_PREFIX
from custodian.casework.representatives import (
    RepresentativeError,
    invitation_opened,
    representative_person_join,
)
from custodian.connect.services import authorizations_end
from custodian.outbox.forget import address_indexes_forget
from custodian.outbox.services import language_of, message_send
from custodian.policy.loader import current_policy
from custodian.portal.mailed_code import code_letter_send
from custodian.portal.models import PortalAccount
from custodian.signed_links import SignedLink
from custodian.staff.lockout import sign_in_names_forget
from custodian.vault.gate import (
    Denied,
    customer_actor,
    find_customers,
    reveal,
    reveal_documents,
    system_actor,
)
from custodian.vault.normalize import normalize
from custodian.vault.services import Submission, blind_index_of, document_seal, documents_delete

CONFIRM_LINK = SignedLink(salt="custodian.portal.confirm", max_age=48 * 3600)
ENROLMENT_JOB = "portal_enrolment"


class EnrolmentError(ValueError):
    """One message for every failure of the proof, so enrolment can't be used to probe accounts."""


NOT_MATCHED = gettext_lazy(
    "The account number and the bill figure don't match our records, or the account is already enrolled."
)
LINK_NOT_VALID = gettext_lazy("This link is not valid or has expired; sign up again.")
# A representative's invitation to an address that signs in already (their own account, or an earlier
# authority's sign-in): the authority joins that sign-in once they sign in and open the link again.
ALREADY_SIGNS_IN = gettext_lazy(
    "That e-mail address already signs in to an account: sign in with it, then open this link again to add "
    "this authority to it."
)


def login_name(email: str) -> str:
    return "c-" + blind_index_of("email", email)[:60]


def sign_in_addresses_forget(digests) -> int:
    """Clear from the sign-in records (`staff.lockout.sign_in_names_forget`) the names signing in with the
    e-mail addresses whose blind indexes are `digests` would use, whether or not an online account used them
    (a customer's erased address typed on the sign-in page); in the caller's transaction. How many."""
    return sign_in_names_forget(["c-" + d[:60] for d in digests if d])


def sign_in_addresses_held(digests, *, but_of=()) -> set[str]:
    """Which of the e-mail addresses whose blind indexes are `digests` an online account signs in with (its
    name is the address's), confirmed or not yet; but the online accounts of the customers `but_of`."""
    names = {"c-" + d[:60]: d for d in digests if d}
    users = get_user_model().objects.filter(username__in=list(names))
    if but_of:
        users = users.exclude(portal_account__customer_id__in=list(but_of))
    return {names[n] for n in users.values_list("username", flat=True)}


def same_address(a: str, b: str) -> bool:
    """Whether two addresses are one sign-in: their blind indexes are alike. The index folds look-alike
    letters together (the Kelvin sign "\u212a" lower-cased is "k"), so two addresses alike here may still be
    two mailboxes: a message goes to the address we hold (`address_signed_in_with`), never to one typed."""
    return normalize("email", a) == normalize("email", b)


def same_mailbox(a: str, b: str) -> bool:
    """Whether two addresses reach one mailbox for certain: the same text but for the case of ASCII
    letters."""
    a, b = a.strip(), b.strip()
    return a == b or (a.isascii() and b.isascii() and a.lower() == b.lower())


@dataclass
class Enrolment:
    account_number: str
    last_electric_kwh: int
    email: str
    password: str


def last_electric_kwh(customer_id: int) -> int | None:
    values = reveal(
        actor=system_actor(ENROLMENT_JOB),
        customer_id=customer_id,
        fields=["meter_usage"],
        purpose="providing_services",
    )
    usage = json.loads(values.get("meter_usage", "{}"))
    months = usage.get("electric", {}).get("months", [])
    return round(months[-1]["total"]) if months else None


def email_on_file(customer_id: int) -> str:
    """The customer's e-mail address on file (where bills and notices go), or ""."""
    return reveal(
        actor=system_actor(ENROLMENT_JOB),
        customer_id=customer_id,
        fields=["email"],
        purpose="contacting_customers",
    ).get("email", "")


def sign_in_ref(account: PortalAccount) -> str:
    return f"{SIGN_IN_REF_PREFIX}{account.pk}"


def sign_in_address(account: PortalAccount) -> str:
    """The address an online account signs in with (sealed at sign-up), or "" for a sign-in made otherwise
    (a representative's, from their invitation)."""
    found = reveal_documents(
        actor=system_actor(ENROLMENT_JOB),
        customer_id=account.customer_id,
        category="correspondence",
        refs=[sign_in_ref(account)],
        purpose="contacting_customers",
    )
    return found[0].text if found else ""


def address_signed_in_with(account: PortalAccount) -> str:
    """The address an online account signs in with as we hold it: sealed at sign-up, or for a
    representative's sign-in (made from the invitation) the address on file the invitation reached; "" if
    neither. Every message sent after an account is found by an address someone typed goes here, never to the
    address typed: the look-up matches look-alike addresses (`same_address`), maybe an attacker's mailbox."""
    sealed = sign_in_address(account)
    if sealed:
        return sealed
    on_file = email_on_file(account.customer_id)
    return on_file if on_file and login_name(on_file) == account.user.get_username() else ""


def sign_in_change_log(*, account: PortalAccount, action: Action, reason: str) -> None:
    """A change to the customer's online sign-in (confirmed, password, second factor), in the access log in
    the caller's transaction, made by the customer."""
    append_change(
        action=action,
        actor_kind="customer",
        actor_id=str(account.customer_id),
        actor_label="the customer",
        customer_ids=[account.customer_id],
        reason=reason,
    )


def _unconfirmed_drop(account: PortalAccount) -> None:
    """An unconfirmed sign-up gives way: its sign-in goes (and with it its confirmation link), and the address
    given for it, which signs in to nothing now."""
    documents_delete(customer_ids=[account.customer_id], refs=[sign_in_ref(account)])
    account.user.delete()  # cascades to the PortalAccount


def _notify(
    *,
    to_address: str,
    account_customer,
    template: str,
    context=None,
    page_language: str = "",
    typed_on_the_page: bool = False,
) -> None:
    message_send(
        to_address=to_address,
        to_customer=account_customer,
        template=template,
        context=context or {},
        sent_by_job=ENROLMENT_JOB,
        page_language=page_language,
        typed_on_the_page=typed_on_the_page,
    )


def account_holder_tell(*, account: PortalAccount, template: str, context=None) -> None:
    """E-mail whoever holds an online account, at the address it signs in with and at the address on file
    where that differs (a message about the account itself: it carries no link), in the holder's language
    (the page that set it off is someone else's: no page's language)."""
    told = []
    for address in (sign_in_address(account), email_on_file(account.customer_id)):
        if address and not any(same_mailbox(address, t) for t in told):
            _notify(to_address=address, account_customer=account.customer, template=template, context=context)
            told.append(address)


def _customer_proven(enrolment: Enrolment) -> int:
    """The customer the account number and the bill figure point to; EnrolmentError otherwise."""
    try:
        ids = find_customers(
            actor=system_actor(ENROLMENT_JOB),
            field="account_number",
            value=enrolment.account_number,
            purpose="providing_services",
        )
    except Denied:
        ids = []
    if len(ids) != 1:
        raise EnrolmentError(NOT_MATCHED)
    expected = last_electric_kwh(ids[0])
    if expected is None or abs(expected - int(enrolment.last_electric_kwh)) > 1:
        raise EnrolmentError(NOT_MATCHED)
    return ids[0]


def _address_in_use_tell(*, holder: PortalAccount | None, password: str) -> None:
    """Someone with a bill's figures signed up with an address that signs in already: its owner is told, at
    the address the account signs in with as we hold it (the address typed may only look like it), that it
    has an account and how to sign in or set a new password (nothing of the account typed), in the holder's
    language (the page is someone else's). The password is hashed and dropped so this answers no sooner than
    a sign-up, which hashes it for the new sign-in."""
    make_password(password)
    address = address_signed_in_with(holder) if holder is not None else ""
    if address:
        _notify(
            to_address=address, account_customer=holder.customer, template="portal_sign_up_address_in_use"
        )


@transaction.atomic
def portal_enrol(*, enrolment: Enrolment, confirm_url, page_language: str = "") -> bool:
    """Check the proof, create the (inactive) sign-in, and e-mail a confirmation link: to the address on file
    where it differs from the address given (the address given is told to look there), else to the address
    given. True: the page answers "check your e-mail".

    Only a confirmed sign-up holds the account: an unconfirmed one (expired or not) gives way to a later
    sign-up that passes the same proof, so nobody can block the customer by signing up first and never
    confirming. A confirmed one is never replaced here: its owner is told of the attempt, and False is
    returned (not raised: the messages telling them stay on the record); the caller answers as for a wrong
    figure. An address that signs in to an account already gets no second one: its owner is told, the
    customer's unconfirmed sign-up gives way as to any sign-up, and True is returned, the answer of every
    sign-up, so the page never says whether an address has an account.
    Each message is in the language of whoever reads its address (`outbox.services.language_of`): the one
    to the address on file in the account holder's chosen language (else `page_language`, the one the person
    signed up in), the one to an address only typed on the page in the page's language; the holder of an
    account already online is told of the attempt in their own. `confirm_url(token, language)` builds the
    link in the language of the message it goes in."""
    customer_id = _customer_proven(enrolment)
    held = PortalAccount.objects.select_related("user", "customer").filter(customer_id=customer_id).first()
    if held is not None and held.confirmed_at is not None:
        # Someone with the bill figures tried to sign up for an account that is already online.
        account_holder_tell(account=held, template="portal_sign_up_refused")
        return False
    name = login_name(enrolment.email)
    same_sign_in = (
        PortalAccount.objects.select_related("user", "customer").filter(user__username=name).first()
    )
    in_use = same_sign_in is not None and same_sign_in.confirmed_at is not None
    for pending in {
        a.pk: a for a in (held, same_sign_in) if a is not None and a.confirmed_at is None
    }.values():
        _unconfirmed_drop(pending)
    if in_use or get_user_model().objects.filter(username=name).exists():
        _address_in_use_tell(holder=same_sign_in if in_use else None, password=enrolment.password)
        return True
    user = get_user_model().objects.create_user(username=name, password=enrolment.password, is_active=False)
    account = PortalAccount.objects.create(user=user, customer_id=customer_id)
    on_file = email_on_file(customer_id)
    given = enrolment.email.strip()
    if on_file and same_address(on_file, given):
        # The address on file is the one the customer signs in with, as we hold it: the one typed may be a
        # look-alike of it (another mailbox), which must not get the link nor be told later of the account.
        given = on_file
    # The address waits sealed in the vault (it is the customer's own submission); the link carries only the
    # account, so no e-mail address ever appears in a URL, a server log or a browser's history.
    document_seal(
        customer_id=customer_id,
        category="correspondence",
        ref=sign_in_ref(account),
        content=given.encode(),
        media_type="text/plain",
        submission=Submission(channel="portal", notice_key=current_policy().notice_at("portal_sign_up").key),
    )
    token = CONFIRM_LINK.token({"account": account.pk, "user": user.pk})
    # (address, template, carries the link, only typed on the page: not yet the customer's own)
    if on_file and not same_address(on_file, given):
        # The link goes to the address on file; the address given is told where it went.
        mails = [
            (on_file, "portal_confirm_on_file", True, False),
            (given, "portal_confirm_elsewhere", False, True),
        ]
    else:
        mails = [(given, "portal_confirm", True, not on_file)]
    for to_address, template, with_link, typed in mails:
        language = language_of(account.customer, page=page_language, typed_on_the_page=typed)
        _notify(
            to_address=to_address,
            account_customer=account.customer,
            template=template,
            context={"confirm_url": confirm_url(token, language)} if with_link else {},
            page_language=page_language,
            typed_on_the_page=typed,
        )
    return True


def _signed_up(data: dict) -> PortalAccount | None:
    """The sign-up a confirmation link names, if it is still there."""
    return (
        PortalAccount.objects.select_related("user", "customer")
        .filter(pk=data.get("account"), user_id=data.get("user"))
        .first()
    )


def confirmation_account(token: str) -> PortalAccount:
    """The sign-up a confirmation link is for, confirmed or not; EnrolmentError if the link is not good."""
    _, account = CONFIRM_LINK.opened(token, subject=_signed_up, error=EnrolmentError(LINK_NOT_VALID))
    return account


@transaction.atomic
def portal_confirm(*, token: str, page_language: str = "") -> PortalAccount:
    """Confirm a sign-up (the button on the link's page): its sign-in works from now on. The customer's
    details on file stay as they are; where no e-mail address is on file, the account starts limited (the
    link reached only an address typed on the page) and a letter to the mailing address says an online
    account was opened, with the code that lifts the limit, so a sign-up by someone else holding a bill
    neither goes unnoticed nor binds the customer: in
    the holder's chosen language, else the language of the page it was confirmed on (the best sign of the
    household's language we have; a sign-up made in Spanish gets its letter in Spanish)."""
    account = confirmation_account(token)
    if account.confirmed_at is not None:
        return account
    account.confirmed_at = timezone.now()
    account.save(update_fields=["confirmed_at"])
    account.user.is_active = True
    account.user.save(update_fields=["is_active"])
    sign_in_change_log(
        account=account,
        action=Action.PORTAL_SIGNED_UP,
        reason="online access confirmed from the link e-mailed at sign-up",
    )
    if not email_on_file(account.customer_id):
        # The link went to an address only typed on the page: the account starts limited, and the letter
        # carries the code that lifts the limit (custodian.portal.mailed_code).
        account.limited = True
        account.save(update_fields=["limited"])
        code_letter_send(account=account, page_language=page_language)
    return account


def letters_closed_while_limited(customer_id: int) -> bool:
    """Whether the customer's online account is still limited (`access.OPEN_WHILE_LIMITED`: its letters page
    is refused until the code mailed to the mailing address on file is entered), so a letter can't wait for
    them in My account: it goes by mail (`billing.notices.letter_as_bills_go`)."""
    return PortalAccount.objects.filter(customer_id=customer_id, limited=True).exists()


def portal_accounts_delete(customer_ids) -> int:
    """Delete the customers' online accounts and the sign-ins behind them (retention, erasure); how many.
    The apps they authorised under Connect My Data are cut off first (their consents revoked, tokens
    deleted). Runs in the caller's transaction."""
    authorizations_end(customer_ids=customer_ids, how="online account deleted")
    users = list(
        PortalAccount.objects.filter(customer_id__in=list(customer_ids)).values_list("user_id", flat=True)
    )
    # The blind index of the addresses they signed in with goes with them (`outbox.forget`): from the outbox
    # and from the sign-in log, whose entries stay without the name.
    names = list(get_user_model().objects.filter(pk__in=users).values_list("username", flat=True))
    address_indexes_forget(digests=[n.removeprefix("c-") for n in names if n.startswith("c-")])
    sign_in_names_forget(names)
    PortalAccount.objects.filter(customer_id__in=list(customer_ids)).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    return len(users)


def _invited_address(rep) -> str:
    """The address a representative's invitation reached, read through the gate as the representative."""
    return reveal(
        actor=customer_actor(rep.person_id, "the representative"),
        customer_id=rep.person_id,
        fields=["email"],
        purpose="providing_services",
    )["email"]


@transaction.atomic
def representative_authority_join(*, token: str, account: PortalAccount):
    """An invitation opened by someone signed in with the address it reached (one address signs in to one
    account, so a second authority can't have a sign-in of its own): the authority joins their sign-in,
    listed with the others to act under. Only the sign-in of that very address: holding the link is not
    enough, nor is being signed in as someone else."""
    rep = representative_authority_joinable(token=token, account=account)
    return representative_person_join(rep=rep, person_id=account.customer_id)


def representative_authority_joinable(*, token: str, account: PortalAccount):
    """The invitation's authority, if `account` may add it to its sign-in (it signs in with the address the
    invitation reached); else RepresentativeError saying why. The one check of the join and of the page that
    offers it, so the page never offers what the join refuses."""
    rep = invitation_opened(token)
    email = _invited_address(rep)
    if account.user.get_username() != login_name(email):
        raise RepresentativeError(
            _(
                "This invitation was sent to another e-mail address: sign in with the address it reached, "
                "then open the link again."
            )
        )
    return rep


@transaction.atomic
def representative_sign_in_create(*, token: str, password: str):
    """A representative's invitation link: they set a password and get a portal sign-in of their own,
    confirmed (the link reached their address). Returns the Django user."""
    rep = invitation_opened(token)
    held = PortalAccount.objects.select_related("user").filter(customer_id=rep.person_id).first()
    if held is not None:
        raise RepresentativeError(_("You have a sign-in already: sign in with it."))
    email = _invited_address(rep)
    name = login_name(email)
    if get_user_model().objects.filter(username=name).exists():
        raise RepresentativeError(str(ALREADY_SIGNS_IN))
    user = get_user_model().objects.create_user(username=name, password=password)
    PortalAccount.objects.create(user=user, customer_id=rep.person_id, confirmed_at=timezone.now())
    return user
