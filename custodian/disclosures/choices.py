"""The disclosures app's choices, apart from its models so that forms and views may name them without the
models."""

# What gives a disclosure its legal authority (Minn. Stat. § 13.685 names the statutory releases).
LEGAL_AUTHORITY_KINDS = [
    ("subpoena", "Subpoena"),
    ("court_order", "Court order"),
    ("statute", "Statutory release"),
]
