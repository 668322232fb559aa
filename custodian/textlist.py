"""A short list kept in one text column, its items separated by commas (the categories a disclosure covered,
the scope of a representative's authority, the services an authorisation names): stored as the text, read as
the list. The items are keys from the policy file or fixed names, never containing a comma."""


def comma_items(text: str) -> list[str]:
    """The items of `text`, in order, empty ones left out (an empty column is an empty list)."""
    return [item for item in text.split(",") if item]


class CommaList:
    """On a model, a read-only attribute: its text field `field` as a list (`comma_items`)."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return comma_items(getattr(instance, self.field))
