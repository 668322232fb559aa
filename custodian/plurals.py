"""A count with its noun, singular or plural, for what the management commands print ("1 bill issued", "2
bills issued"). The commands speak to the operator in English; what a customer or a member of staff reads in
a page or a letter is translated with `ngettext` instead. Django's `pluralize` filter gives only the suffix,
which does not spell "entry"/"entries", so the plural is named where it is not the singular plus "s"."""


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`counted(1, "bill")` is "1 bill"; `counted(3, "entry", "entries")` is "3 entries"."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
