"""The facts Minnesota's protections turn on, as sealed in the vault (category `disconnection_protection`):
whether the household's income qualifies under the Cold Weather Rule and on what basis, its referral to
energy assistance, and a medical certification's dates and the certifier's kind (never the condition).

Read them with `collecting.selectors.protection_facts_many` (through the gate, for collecting payments);
write them with `collecting.services.protection_facts_record`.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.collecting.rules import MEDICAL_CERTIFIERS
from custodian.dates import long_date

FIELD = "disconnection_protection"

INCOME_BASES = {
    "utility_form": gettext_lazy("Verified on the utility's form"),
    "assistance_provider": gettext_lazy("Verified by the local energy assistance provider"),
    "public_assistance": gettext_lazy(
        "Deemed: receives public or energy assistance (income limit at or below 50 % of state median)"
    ),
}


class FactsError(ValueError):
    """Facts that can't be recorded as given; the message says which."""


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class ProtectionFacts:
    income_verified_on: date | None = None
    income_basis: str = ""
    referred_on: date | None = None
    medical_phoned_on: date | None = None
    medical_certified_on: date | None = None
    medical_certifier: str = ""

    @property
    def income_qualifies(self) -> bool:
        return self.income_verified_on is not None

    @property
    def is_empty(self) -> bool:
        return self == ProtectionFacts()

    def in_words(self) -> list[tuple[str, str, str, str]]:
        """The facts held as the household reads them (a data request's answer, their download), in the
        active language: each as (key, label, value as stored: an ISO date or the key of a choice, the value
        in words). Only the facts held; never a medical condition (none is held)."""
        basis = str(INCOME_BASES.get(self.income_basis, self.income_basis))
        certifier = _(self.medical_certifier) if self.medical_certifier else ""  # gettext("") is the header
        facts = [
            ("income_verified_on", _("Income verified as qualifying on"), self.income_verified_on, None),
            ("income_basis", _("How the income was verified"), self.income_basis, basis),
            ("referred_on", _("Referred to energy assistance on"), self.referred_on, None),
            (
                "medical_phoned_on",
                _("Medical certification given by telephone on"),
                self.medical_phoned_on,
                None,
            ),
            (
                "medical_certified_on",
                _("Medical certification given in writing on"),
                self.medical_certified_on,
                None,
            ),
            (
                "medical_certifier",
                _("Who certified it"),
                self.medical_certifier,
                certifier,
            ),
        ]
        return [
            (key, label, value.isoformat(), long_date(value))
            if isinstance(value, date)
            else (key, label, value, words)
            for key, label, value, words in facts
            if value
        ]

    def check(self) -> None:

        if self.income_verified_on and self.income_basis not in INCOME_BASES:
            raise FactsError(f"income basis must be one of {', '.join(INCOME_BASES)}")
        if self.income_basis and not self.income_verified_on:
            raise FactsError("an income basis needs the date the income was verified")
        if self.medical_certifier and self.medical_certifier not in MEDICAL_CERTIFIERS:
            raise FactsError(f"the certifier must be one of: {'; '.join(MEDICAL_CERTIFIERS)}")
        if self.medical_certified_on and not self.medical_certifier:
            raise FactsError("a written medical certification needs the certifier's kind")

    def to_json(self) -> str:
        return json.dumps(
            {
                "income": {"verified_on": self.income_verified_on.isoformat(), "basis": self.income_basis}
                if self.income_verified_on
                else None,
                "referred_on": self.referred_on.isoformat() if self.referred_on else None,
                "medical": {
                    "phoned_on": self.medical_phoned_on.isoformat() if self.medical_phoned_on else None,
                    "certified_on": (
                        self.medical_certified_on.isoformat() if self.medical_certified_on else None
                    ),
                    "certifier": self.medical_certifier,
                }
                if (self.medical_phoned_on or self.medical_certified_on)
                else None,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> "ProtectionFacts":
        raw = json.loads(text or "{}")
        income = raw.get("income") or {}
        medical = raw.get("medical") or {}
        return cls(
            income_verified_on=_day(income.get("verified_on")),
            income_basis=income.get("basis") or "",
            referred_on=_day(raw.get("referred_on")),
            medical_phoned_on=_day(medical.get("phoned_on")),
            medical_certified_on=_day(medical.get("certified_on")),
            medical_certifier=medical.get("certifier") or "",
        )
