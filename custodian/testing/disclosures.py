"""The disclosure form the privacy officer sends from the console's disclosure desk."""


def name_disclosure_form(basis_kind: str, basis, customer, recipient_name: str, purpose: str) -> dict:
    """The disclosure form: `customer`'s name to `recipient_name` for `purpose`, under `basis` (a consent or
    a legal authority, as `basis_kind` says)."""
    return {
        "basis_kind": basis_kind,
        "basis_id": basis.pk,
        "customer_ids": str(customer.pk),
        "recipient_name": recipient_name,
        "categories": ["name"],
        "purpose": purpose,
    }
