"""The one fact the gate needs about consents to read for a third party: does this consent of this customer
stand now (signed, neither revoked nor expired, its period running) and cover these categories. The gate sits
below the disclosures app, so it defines the question and disclosures answers it (registered when the app is
ready). Until an answer is registered every third party's read is refused: deny by default."""

from typing import Protocol


class ConsentsInForce(Protocol):
    def consent_in_force(self, *, consent_id: int, customer_id: int, categories: list[str]) -> bool:
        """True if the consent is the customer's, stands now and covers every category."""


_source: ConsentsInForce | None = None


def register(source: ConsentsInForce) -> None:
    global _source
    _source = source


def consent_in_force(*, consent_id, customer_id: int, categories) -> bool:
    if consent_id is None or _source is None:
        return False
    return _source.consent_in_force(
        consent_id=int(consent_id), customer_id=int(customer_id), categories=list(categories)
    )
