"""The named people of the demo utility and of the tests: one staff member per support service, and
two customers. All synthetic; the passwords below are for the local demo only."""

from dataclasses import dataclass

DEMO_PASSWORD = "custodian-demo-2026"


@dataclass(frozen=True)
class StaffPersona:
    username: str
    full_name: str
    services: tuple[str, ...]
    description: str
    # The services whose queue they lead: they give its requests to colleagues.
    leads: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        """Their work address (a reserved example domain: the demo's mail goes nowhere): set-up links and
        notices of staff changes go there."""
        return f"{self.username}@staff.example.org"


STAFF_PERSONAS = (
    StaffPersona(
        "cora.service",
        "Cora Lindqvist",
        ("customer_service",),
        "a customer-service representative, leading the service's queue",
        leads=("customer_service",),
    ),
    StaffPersona("bill.clerk", "Bill Hanson", ("billing",), "a billing clerk"),
    StaffPersona("colin.collections", "Colin Berg", ("collections",), "a collections agent"),
    StaffPersona("fiona.field", "Fiona Dahl", ("field_services",), "a field-services technician"),
    StaffPersona("mark.marketer", "Mark Olson", ("marketing",), "a marketer"),
    StaffPersona("wendy.web", "Wendy Nyberg", ("web",), "the web editor"),
    StaffPersona("ivan.it", "Ivan Sorensen", ("it_database",), "a database administrator"),
    StaffPersona(
        "priya.privacy",
        "Priya Halvorsen",
        ("privacy_officer",),
        "the privacy officer",
        leads=("privacy_officer",),
    ),
    StaffPersona("lena.legal", "Lena Strand", ("legal",), "the utility's counsel"),
)
