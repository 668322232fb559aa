"""Staff changes held for a second administrator, as the staff and console tests drive them: a third
administrator (neither the asker nor the member concerned), and what was e-mailed to a member."""

import re

from custodian.staff.services import staff_member_create

SETUP_LINK = re.compile(r"https?://\S+(/staff/set-up/[\w-]+/)")


OLGA_PASSWORD = "olga-ops-password-2026"


def another_administrator():
    """An IT colleague of ivan.it's: the administrator who approves what ivan.it or priya.privacy asks."""
    return staff_member_create(
        username="olga.ops",
        password=OLGA_PASSWORD,
        full_name="Olga Ops",
        services=["it_database"],
        email="olga.ops@staff.example.org",
    )


def member_of_staff(username: str, services) -> object:
    """A member added on the server's command line (so nobody's account), in `services`, with an address."""
    return staff_member_create(
        username=username,
        password=None,
        full_name=username.replace(".", " ").title(),
        services=list(services),
        email=f"{username}@staff.example.org",
    )


def mailed_to(mailoutbox, user) -> list:
    """The e-mails sent to this member of staff, oldest first."""
    return [m for m in mailoutbox if user.email in m.to]


def setup_link(mailoutbox, user) -> str:
    """The path of the latest set-up link e-mailed to this member (and only to them)."""
    (path,) = [p for m in mailed_to(mailoutbox, user) for p in SETUP_LINK.findall(m.body)][-1:]
    assert all(path not in m.body for m in mailoutbox if user.email not in m.to)
    return path
