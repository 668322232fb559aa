"""The portal's navigation: (section, [(label, URL name)]). Every page in it is the signed-in customer's
own."""

from django.utils.translation import gettext_lazy as _

SECTIONS = [
    (
        "",
        [
            (_("My account"), "portal:home"),
            (_("Bills and payments"), "portal:bills"),
            (_("Moving or stopping service"), "portal:moving"),
            (_("My usage"), "portal:usage"),
            (_("How my use compares"), "portal:comparison"),
            (_("Letters and messages"), "portal:messages"),
            (_("Ask a question or make a request"), "portal:request"),
            (_("My requests"), "portal:requests"),
        ],
    ),
    (
        _("My privacy"),
        [
            (_("Who has seen or changed my data"), "portal:accesses"),
            (_("Who we gave it to"), "portal:disclosures"),
            (_("My consents"), "portal:consents"),
            (_("Apps I share my data with"), "portal:connected_apps"),
            (_("Delete my data"), "portal:erasure"),
        ],
    ),
    (
        _("Sign-in"),
        [(_("Sign-in security"), "portal:security"), (_("Act for someone I represent"), "portal:act_for")],
    ),
]
