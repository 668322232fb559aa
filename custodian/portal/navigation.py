"""The portal's navigation: (section, [(label, URL name)]). Every page in it is the signed-in customer's
own."""

SECTIONS = [
    (
        "",
        [
            ("My account", "portal:home"),
            ("Bills and payments", "portal:bills"),
            ("Moving or stopping service", "portal:moving"),
            ("My usage", "portal:usage"),
            ("How my use compares", "portal:comparison"),
            ("Letters and messages", "portal:messages"),
            ("Ask a question or make a request", "portal:request"),
        ],
    ),
    (
        "My privacy",
        [
            ("Who has seen or changed my data", "portal:accesses"),
            ("Who we gave it to", "portal:disclosures"),
            ("My consents", "portal:consents"),
            ("Delete my data", "portal:erasure"),
        ],
    ),
    ("Sign-in", [("Sign-in security", "portal:security")]),
]
