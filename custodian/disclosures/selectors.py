from custodian.disclosures.models import DisclosureEntry


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
