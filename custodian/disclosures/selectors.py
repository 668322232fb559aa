import re
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.dates import long_date
from custodian.disclosures.exports import REPORT_MAILING
from custodian.disclosures.models import (
    Consent,
    CorrectionNotice,
    DeterminationDecision,
    DisclosureEntry,
    DisclosureRequest,
    LegalAuthority,
    Vendor,
    VendorDetermination,
    VendorExport,
)
from custodian.disclosures.periods import consent_period, gives_dated
from custodian.disclosures.services import current_determination
from custodian.disclosures.services.accounting import SECOND_APPROVER_SERVICES
from custodian.disclosures.services.consents import consent_words  # noqa: F401 (a read: callers ask here)
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access
from custodian.vault.gate import Actor


def disclosures_for(customer_id: int):
    """The customer's accounting of disclosures, newest first."""
    return DisclosureEntry.objects.filter(customer_id=customer_id).order_by("-disclosed_at", "-pk")


def past_recipients(customer_id: int, categories: set[str]) -> list[tuple[str, str, set[str]]]:
    """Each recipient that received any of `categories` about the customer: (name, address, categories)."""
    found: dict[tuple[str, str], set[str]] = {}
    for entry in disclosures_for(customer_id):
        overlap = categories & set(entry.category_list)
        if overlap:
            found.setdefault((entry.recipient_name, entry.recipient_address), set()).update(overlap)
    return [(name, address, cats) for (name, address), cats in sorted(found.items())]


# What an entry disclosed, in words, where the app that made the disclosure knows better than its categories:
# each describer registered here (Connect My Data's, for the resources a third party fetched) is asked in turn
# with the entry and the consent it was made under (None for other bases) and answers words or None.
_DESCRIBERS: list[Callable[[DisclosureEntry, Consent | None], str | None]] = []


def disclosed_words_register(describe: Callable[[DisclosureEntry, Consent | None], str | None]) -> None:
    """Called by an app that makes disclosures of its own (in its `AppConfig.ready`)."""
    if describe not in _DESCRIBERS:
        _DESCRIBERS.append(describe)


_REF_ID = re.compile(r"^(?:consent|determination) (\d+)\b")


def _ref_id(entry: DisclosureEntry) -> int | None:
    found = _REF_ID.match(entry.basis_ref)
    return int(found.group(1)) if found else None


def _what(entry: DisclosureEntry, consent: Consent | None) -> str:
    for describe in _DESCRIBERS:
        words = describe(entry, consent)
        if words:
            return words
    held = set(entry.category_list)  # in the policy file's order, as the customer's other pages list them
    labels = [c.in_language().label for c in current_policy().categories.values() if c.key in held]
    if not labels:
        return entry.data_description
    if consent is not None and gives_dated(held):
        # Dated data under a consent is the consent's period only (`disclosures.periods`): said which.
        period = consent_period(consent).words()
        return _("%(data)s (%(period)s)") % {"data": ", ".join(labels), "period": period}
    return ", ".join(labels)


def _basis(entry: DisclosureEntry, consent: Consent | None, determination) -> str:
    if entry.basis_kind == "consent":
        if consent is None:
            return _("Your written consent")
        on = long_date(timezone.localtime(consent.signed_at).date())
        if consent.method == "electronic" and ": " in entry.basis_ref:
            return _("Your authorization in My account, given on %(date)s") % {"date": on}
        return _("Your written consent, given on %(date)s") % {"date": on}
    if entry.basis_kind == "legal_authority":
        return _("Required or allowed by law: %(citation)s") % {"citation": entry.basis_ref}
    if determination is not None:
        return _(
            "A contractor doing this work for us, approved by our privacy officer on %(date)s as serving "
            "the public's welfare, health or safety"
        ) % {"date": long_date(timezone.localtime(determination.decided_at).date())}
    return _("A contractor doing this work for us, approved by our privacy officer")


def accounting_summary(*, fetched_by: Actor, customer_id: int) -> list[dict]:
    """The customer's accounting, repeated disclosures of the same data to one recipient for one purpose on
    one basis summarized, in the customer's words and language: recipient, purpose (`purpose` as recorded,
    `purpose_label` the policy file's label of it), what was disclosed (`data`: the categories' labels, or
    the registered app's words, such as usage readings since a day, never a resource's path), basis in
    words, first date, how many times, last date. All of it for the customer themself and for staff (the
    privacy officer: the page's own rule decides); for a representative, the disclosures of data their
    authority covers, every category of it; for anyone else nothing, the same answer as for a customer whose
    data was never disclosed (without a query)."""
    if fetched_by.kind != "staff" and not fetched_by.reads_own(customer_id):
        return []
    entries = [
        entry
        for entry in DisclosureEntry.objects.filter(customer_id=customer_id).order_by("disclosed_at", "pk")
        if fetched_by.kind == "staff"
        or all(fetched_by.reads_own(customer_id, category=c) for c in entry.category_list)
    ]
    wanted = {"consent": set(), "vendor_determination": set()}
    for entry in entries:
        if entry.basis_kind in wanted and _ref_id(entry) is not None:
            wanted[entry.basis_kind].add(_ref_id(entry))
    consents = (
        {c.pk: c for c in Consent.objects.filter(customer_id=customer_id, pk__in=wanted["consent"])}
        if wanted["consent"]
        else {}
    )
    determinations = (
        VendorDetermination.objects.in_bulk(wanted["vendor_determination"])
        if wanted["vendor_determination"]
        else {}
    )
    purposes = current_policy().purposes
    groups: dict[tuple[str, ...], dict] = {}
    for entry in entries:
        ref = _ref_id(entry)
        consent = consents.get(ref) if entry.basis_kind == "consent" else None
        determination = determinations.get(ref) if entry.basis_kind == "vendor_determination" else None
        what, basis = _what(entry, consent), _basis(entry, consent, determination)
        key = (entry.recipient_name, entry.purpose, what, basis)
        group = groups.get(key)
        if group is None:
            groups[key] = {
                "recipient": entry.recipient_name,
                "address": entry.recipient_address,
                "purpose": entry.purpose,
                "purpose_label": purposes[entry.purpose].in_language().label
                if entry.purpose in purposes
                else entry.purpose,
                "data": what,
                "basis": basis,
                "first": entry.disclosed_at,
                "last": entry.disclosed_at,
                "times": 1,
            }
        else:
            group["last"], group["times"] = entry.disclosed_at, group["times"] + 1
    return sorted(groups.values(), key=lambda g: g["last"], reverse=True)


def consent_list(*, fetched_by: Actor, customer_id: int):
    """The customer's consents with their revocations, newest first: the customer's own, or any customer's
    for staff at the disclosure desk (the console's page rule decides who that is)."""
    if fetched_by.kind == "customer" and fetched_by.customer_id != customer_id:
        return Consent.objects.none()
    if fetched_by.kind not in ("customer", "staff"):
        return Consent.objects.none()
    return Consent.objects.filter(customer_id=customer_id).select_related("revocation").order_by("-signed_at")


# --- the disclosure desk: the privacy officer's, nobody else's ----------------------------------------------


def disclosure_desk(*, fetched_by: Actor) -> dict:
    """What the disclosure desk lists: each vendor with its current determination, the determinations
    waiting for a second person (by vendor id), the latest exports, consents, legal authorities and
    disclosure requests. Empty for anyone but the privacy officer."""
    if not reviews_access(fetched_by.services):
        return {
            "vendors": [],
            "waiting": {},
            "exports": [],
            "consents": [],
            "authorities": [],
            "requests": [],
        }
    waiting: dict[int, list] = {}
    for d in determinations_waiting(fetched_by=fetched_by):
        waiting.setdefault(d.vendor_id, []).append(d)
    return {
        "vendors": [(v, current_determination(v)) for v in Vendor.objects.order_by("name")],
        "waiting": waiting,
        "exports": VendorExport.objects.select_related("vendor").order_by("-started_at")[:20],
        "consents": Consent.objects.select_related("revocation").order_by("-signed_at")[:50],
        "authorities": LegalAuthority.objects.order_by("-recorded_at")[:20],
        "requests": DisclosureRequest.objects.order_by("-requested_at")[:50],
    }


def _second_person(actor: Actor) -> bool:
    """Whether the asker may be the second person on a vendor determination (the privacy office, legal)."""
    return actor.kind == "staff" and bool(SECOND_APPROVER_SERVICES & actor.services)


def _waiting():
    return VendorDetermination.objects.filter(
        decision__isnull=True, review_by__gte=timezone.localdate(), vendor__revoked_at__isnull=True
    ).select_related("vendor", "decided_by")


def determinations_waiting(*, fetched_by: Actor) -> list[VendorDetermination]:
    """The vendor determinations waiting for a second person's approval, oldest first: for the privacy
    office and legal; none for anyone else."""
    if not _second_person(fetched_by):
        return []
    return list(_waiting().order_by("decided_at", "pk"))


def determinations_decided(*, fetched_by: Actor, limit: int = 20) -> list[DeterminationDecision]:
    """The latest decisions on vendor determinations, newest first: for the privacy office and legal."""
    if not _second_person(fetched_by):
        return []
    found = DeterminationDecision.objects.select_related(
        "determination__vendor", "determination__decided_by", "decided_by"
    )
    return list(found.order_by("-decided_at", "-pk")[:limit])


def determination_waiting_for(*, fetched_by: Actor, determination_id) -> VendorDetermination | None:
    """A determination still waiting, for the privacy office and legal; None otherwise (the same as none)."""
    if not _second_person(fetched_by):
        return None
    return _waiting().filter(pk=determination_id).first()


def vendor_for(*, fetched_by: Actor, vendor_id) -> Vendor | None:
    """A registered vendor, for the privacy officer; None otherwise (the same as no such vendor)."""
    if not reviews_access(fetched_by.services):
        return None
    return Vendor.objects.filter(pk=vendor_id).first()


def consent_for(*, fetched_by: Actor, consent_id) -> Consent | None:
    """A consent, for the privacy officer; None otherwise (the same as no such consent)."""
    if not reviews_access(fetched_by.services):
        return None
    return Consent.objects.filter(pk=consent_id).first()


def export_done_for(*, fetched_by: Actor, export_id) -> VendorExport | None:
    """A finished export: for the privacy officer, or for the vendor it was made for; None otherwise."""
    export = VendorExport.objects.select_related("vendor").filter(pk=export_id, status="done").first()
    if export is None:
        return None
    if fetched_by.kind == "vendor":
        return export if fetched_by.id == str(export.vendor_id) else None
    return export if fetched_by.kind == "staff" and reviews_access(fetched_by.services) else None


def report_mailing_vendors(*, fetched_by: Actor) -> list[Vendor]:
    """Report-mailing vendors with a current determination (mailing letters is a disclosure: the privacy
    officer's decision); none for anyone else."""
    if not reviews_access(fetched_by.services):
        return []
    vendors = Vendor.objects.filter(function=REPORT_MAILING, revoked_at__isnull=True).order_by("name")
    return [v for v in vendors if current_determination(v) is not None]


def correction_notices_list(*, fetched_by: Actor, limit: int = 500):
    """Every correction notice to a past recipient, the unsent first, for a reviewer of access; else none."""
    if not reviews_access(fetched_by.services):
        return CorrectionNotice.objects.none()
    return CorrectionNotice.objects.select_related("request").order_by(
        F("sent_at").asc(nulls_first=True), "-pk"
    )[:limit]


def earlier_disclosures(
    *, fetched_by: Actor, customer_ids, recipient_name: str, purpose: str, categories, basis_kind: str
) -> dict[int, DisclosureEntry]:
    """Of these customers, those whose same data already went to the same recipient for the same purpose on
    the same kind of basis, each with the latest such disclosure, for the privacy officer's desk to ask
    before disclosing it again; none for anyone else."""
    if not reviews_access(fetched_by.services):
        return {}
    wanted = set(categories)
    found = DisclosureEntry.objects.filter(
        customer_id__in=[int(c) for c in customer_ids],
        recipient_name__iexact=recipient_name.strip(),
        purpose__iexact=purpose.strip(),
        basis_kind=basis_kind,
    ).order_by("-disclosed_at", "-pk")
    latest: dict[int, DisclosureEntry] = {}
    for entry in found:
        if set(entry.category_list) == wanted:
            latest.setdefault(entry.customer_id, entry)
    return latest


def vendors_in_service() -> list[tuple[Vendor, object]]:
    """The vendors the public privacy policy names: not revoked and with a current determination, by name,
    each with that determination. Public facts, for anyone."""
    found = []
    for vendor in Vendor.objects.filter(revoked_at__isnull=True).order_by("name"):
        determination = current_determination(vendor)
        if determination is not None:
            found.append((vendor, determination))
    return found


def authorities_waiting(*, fetched_by: Actor):
    """The legal authorities (subpoenas, orders, statutory releases, law enforcement requests among them)
    waiting for a second approver that this member of staff may see: those naming them, and every one for the
    privacy officer."""
    waiting = LegalAuthority.objects.filter(second_approved_at__isnull=True)
    waiting = waiting.select_related("approved_by", "second_approver").order_by("recorded_at")
    if reviews_access(fetched_by.services):
        return waiting
    return waiting.filter(second_approver_id=int(fetched_by.id))


def authority_to_approve(*, fetched_by: Actor, authority_id) -> LegalAuthority | None:
    """A legal authority waiting for this member of staff as its named second approver; None otherwise (the
    same as no such authority)."""
    return (
        LegalAuthority.objects.select_related("approved_by", "second_approver")
        .filter(
            pk=authority_id,
            second_approved_at__isnull=True,
            second_approver_id=int(fetched_by.id),
        )
        .first()
    )
