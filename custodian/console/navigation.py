"""The console's navigation: (section, [(label, URL name)]). A link shows only to staff whom the page's own
rule lets in (custodian.console.access.may_open), so adding a page here never opens it to anyone."""

SECTIONS = [
    (
        "Work",
        [
            ("Home", "staff:home"),
            ("Requests", "console:requests"),
            ("Record a call, visit or letter", "console:request_new"),
            ("Find a customer", "console:customers"),
            ("Start, stop and move service", "console:service_desk"),
            ("Comparison reports", "console:reports"),
        ],
    ),
    ("Billing and collections", [("Billing", "console:billing"), ("Collections", "console:collections")]),
    (
        "Privacy office",
        [
            ("Privacy officer", "console:privacy"),
            ("Access review", "console:access_review"),
            ("Disclosure desk", "console:disclosures"),
            ("Security incidents", "console:incidents"),
            ("Correction notices", "console:correction_notices"),
            ("Retention", "console:retention"),
            ("Data inventory", "console:inventory"),
        ],
    ),
    ("Marketing", [("Audiences", "console:marketing")]),
    ("Website", [("Website statistics", "console:web_stats")]),
    ("Systems", [("Health and scheduled jobs", "console:operations")]),
    ("Administration", [("Staff accounts", "console:people"), ("API tokens", "tokens:list")]),
    ("My sign-in", [("Recovery codes", "staff:recovery_codes")]),
]
