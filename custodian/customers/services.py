"""Writes for customer accounts: opening an account from the customer's application.

The account's structure (premise, service points) is stored in clear; the personal values the customer
submitted go to the vault, encrypted, with the submission's provenance, in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from custodian.customers.models import SERVICE_UNITS, Customer, CustomerClass, Premise, ServicePoint
from custodian.vault.services import Submission, personal_data_record_many


class CustomerDataError(ValueError):
    pass


@dataclass
class Application:
    """A customer's application for service: what they told us and about which premise."""

    customer_class: str
    premise_type: str
    size_sqft: int
    heating_fuel: str
    zip_code: str
    feeder: str
    services: Sequence[str]
    personal: dict[str, str] = field(default_factory=dict)
    meter_numbers: dict[str, str] = field(default_factory=dict)
    is_vacant: bool = False
    on_assistance_rate: bool = False
    self_generation: bool = False


def _check(app: Application) -> None:
    if app.customer_class not in CustomerClass.values:
        raise CustomerDataError(f"customer class {app.customer_class!r} is not one of {CustomerClass.values}")
    if not app.services:
        raise CustomerDataError("an account needs at least one service")
    for key in ("name", "service_address", "mailing_address"):
        if not app.personal.get(key):
            raise CustomerDataError(f"{key.replace('_', ' ')} is required to open an account")


@transaction.atomic
def customers_enrol(*, applications: Sequence[Application], submission: Submission) -> list[Customer]:
    """Open one account per application: customer, premise, service points, and the personal values."""
    for app in applications:
        _check(app)
    customers = Customer.objects.bulk_create(
        [Customer(customer_class=a.customer_class) for a in applications]
    )
    premises = Premise.objects.bulk_create(
        [
            Premise(
                customer=c,
                premise_type=a.premise_type,
                size_sqft=a.size_sqft,
                heating_fuel=a.heating_fuel,
                zip_code=a.zip_code,
                feeder=a.feeder,
                is_vacant=a.is_vacant,
                on_assistance_rate=a.on_assistance_rate,
                self_generation=a.self_generation,
            )
            for c, a in zip(customers, applications, strict=True)
        ]
    )
    ServicePoint.objects.bulk_create(
        [
            ServicePoint(
                premise=p,
                service=s,
                unit=SERVICE_UNITS[s],
                meter_number=a.meter_numbers.get(s) or f"{s[0].upper()}{p.pk:09d}",
            )
            for p, a in zip(premises, applications, strict=True)
            for s in a.services
        ]
    )
    personal_data_record_many(
        items=[(c.pk, a.personal) for c, a in zip(customers, applications, strict=True)],
        submission=submission,
    )
    return customers


def customer_enrol(*, application: Application, submission: Submission) -> Customer:
    return customers_enrol(applications=[application], submission=submission)[0]
