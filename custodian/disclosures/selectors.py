from custodian.disclosures.models import Consent, DisclosureEntry
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


def accounting_summary(customer_id: int) -> list[dict]:
    """The customer's accounting, repeated disclosures to one recipient for one purpose summarized:
    recipient, purpose, data, basis, first date, how many times, last date."""
    groups: dict[tuple[str, str], dict] = {}
    for entry in DisclosureEntry.objects.filter(customer_id=customer_id).order_by("disclosed_at", "pk"):
        key = (entry.recipient_name, entry.purpose)
        group = groups.get(key)
        if group is None:
            groups[key] = {
                "recipient": entry.recipient_name,
                "address": entry.recipient_address,
                "purpose": entry.purpose,
                "data": entry.data_description,
                "basis": f"{entry.get_basis_kind_display()}: {entry.basis_ref}",
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


def consent_words(*, actor, customer_id: int, purpose: str, ref: str = "", client_ip: str = "") -> dict:
    """The sealed words of a customer's consents (all of them, or the one under `ref`), by reference, read
    through the gate as `actor` for `purpose` (one access event)."""
    from custodian.disclosures.services.consents import CONSENT_REF_PREFIX, ConsentWords
    from custodian.vault.gate import reveal_documents

    documents = reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category="correspondence",
        ref_prefix=ref or CONSENT_REF_PREFIX,
        purpose=purpose,
        client_ip=client_ip,
    )
    return {d.ref: ConsentWords.from_json(d.content) for d in documents}
