"""Who asks: a member of staff (with the support services they belong to), the customer, a system job, a
registered vendor, or a third party a customer authorised (Green Button Connect My Data), reading under
that customer's consent. A system job or a vendor export names the staff member who started it."""

from dataclasses import dataclass, field

from custodian.staff.selectors import services_of


@dataclass(frozen=True)
class Actor:
    kind: str  # staff | customer | system | vendor | third_party
    id: str
    label: str
    services: frozenset[str] = frozenset()
    customer_id: int | None = None
    job: str = ""
    vendor_function: str = ""
    on_behalf_of: str = ""  # system jobs and vendor exports: the staff member who started them
    # And that member's support services: a job's access events name them as who acted (the customer reads
    # "Privacy officer" for the reads of a disclosure the officer made), never as what the job may read.
    on_behalf_services: frozenset[str] = frozenset()
    # A customer's representative reads only the data categories their authority names (None: no such limit).
    categories: frozenset[str] | None = None
    # And only what the authority lets them do in the portal (`casework.choices.RepresentativeScope`; None: no
    # such limit, the customer themself).
    scope: frozenset[str] | None = None
    consent_id: int | None = None  # third parties: the customer's consent they read under
    user: object = field(default=None, compare=False, repr=False)

    def reads_own(self, customer_id, *, category: str | None = None, scope: str | None = None) -> bool:
        """Whether this asker may see the records of `customer_id` that a selector keeps for the customer
        (`category`: the policy file's data category they hold; `scope`: what the page does with them): the
        customer themself, or their representative within the authority's categories and scope. Anyone
        else sees none of them, the same answer as for records that do not exist."""
        if self.kind != "customer" or customer_id is None or self.customer_id != int(customer_id):
            return False
        if category is not None and self.categories is not None and category not in self.categories:
            return False
        return scope is None or self.scope is None or scope in self.scope


def staff_actor(user) -> Actor:
    return Actor(
        kind="staff", id=str(user.pk), label=user.get_username(), services=services_of(user), user=user
    )


def customer_actor(customer_id: int, label: str = "the customer", categories=None, scope=None) -> Actor:
    """The customer reading their own data; `categories` and `scope` narrow it for a representative acting
    for them."""
    return Actor(
        kind="customer",
        id=str(customer_id),
        label=label,
        customer_id=int(customer_id),
        categories=None if categories is None else frozenset(categories),
        scope=None if scope is None else frozenset(scope),
    )


def _person(user) -> str:
    return user.get_username() if user is not None else ""


def _services(user) -> frozenset[str]:
    return services_of(user) if user is not None else frozenset()


def system_actor(job: str, on_behalf_of=None) -> Actor:
    """A system job; `on_behalf_of` is the staff member who started it (None: a customer's own act, such as
    a portal sign-up, or a scheduled run)."""
    return Actor(
        kind="system",
        id=job,
        label=job,
        job=job,
        on_behalf_of=_person(on_behalf_of),
        on_behalf_services=_services(on_behalf_of),
    )


def vendor_actor(vendor_id: str, function: str, label: str = "", on_behalf_of=None) -> Actor:
    """A registered vendor; `on_behalf_of` is the staff member who ran its export."""
    return Actor(
        kind="vendor",
        id=str(vendor_id),
        label=label or str(vendor_id),
        vendor_function=function,
        on_behalf_of=_person(on_behalf_of),
    )


def third_party_actor(third_party_id, label: str, consent_id: int) -> Actor:
    """A third party a customer authorised, reading under that customer's consent (and nothing else)."""
    return Actor(
        kind="third_party",
        id=str(third_party_id),
        label=label or str(third_party_id),
        vendor_function="connect_my_data",
        consent_id=int(consent_id),
    )
