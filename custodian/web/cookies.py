"""Every cookie Custodian sets, in one registry: the code that sets a cookie takes its name (and lifetime)
from here, and the cookies page and the privacy page list what is here, so the list is what the code does.
A real-browser test compares the page with the cookies a browser holds after each kind of visit.

No Django import here: settings.py reads the names of Django's own cookies from this module.
"""

from dataclasses import dataclass

# Where a cookie can be set: the public site, My account (the portal), the staff console.
AREAS = {"site": "the public website", "portal": "My account", "staff": "the staff console"}


@dataclass(frozen=True)
class Cookie:
    name: str
    areas: tuple[str, ...]
    when: str  # when exactly it is set, in the visitor's words
    why: str
    lasts: str
    optional: bool
    # The public website's pages that set it when opened (its "site" area), by their address: a test opens
    # every public page and fails on a cookie set by a page not named here, or named here and not set.
    site_pages: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return ", ".join(
            AREAS[a] + (f" ({', '.join(self.site_pages)})" if a == "site" and self.site_pages else "")
            for a in self.areas
        )


TEXT_SIZE = Cookie(
    name="text_size",
    areas=("site",),
    when="when you choose a larger text size on the cookies page (never with Global Privacy Control or "
    "Do Not Track); it applies to every page",
    why="remembers the text size",
    lasts="one year",
    optional=True,
)
TEXT_SIZE_MAX_AGE = 365 * 24 * 3600

CSRF = Cookie(
    name="csrftoken",
    areas=("site", "portal", "staff"),
    when="when you open a sign-in, sign-up or other form of My account or the staff console, or the "
    "public website's registration form for Connect My Data third parties",
    why="protects those forms against forgery from other sites",
    lasts="one year",
    optional=False,
    site_pages=("/connect/register/",),
)

SESSION = Cookie(
    name="sessionid",
    areas=("portal", "staff"),
    when="when a customer signs in to My account or a staff member to the console, or a customer sends a "
    "form of My account after their sign-in ran out",
    why="keeps you signed in",
    lasts="until 30 minutes without activity, or signing out",
    optional=False,
)

HELD_FORM = Cookie(
    name="held_form",
    areas=("portal",),
    when="when you send your contact details, a statement of disagreement or a request from My account after "
    "your sign-in ran out",
    why="holds the key to what you typed (kept sealed on our side), so the form shows it again once you sign "
    "in again, as yourself, in this browser",
    lasts="30 minutes, or until the form is shown again",
    optional=False,
)
HELD_FORM_MAX_AGE = 30 * 60

COOKIES = (TEXT_SIZE, CSRF, SESSION, HELD_FORM)
