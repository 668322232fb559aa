"""The incidents app's choices, apart from its models so that forms and views may name them without the
models."""

from django.db.models import TextChoices


class IncidentSource(TextChoices):
    FLAG = "flag", "An unusual-access flag"
    MANUAL = "manual", "Opened by hand"


class IncidentDetermination(TextChoices):
    BREACH = "breach", "A breach of the security of the data"
    NOT_BREACH = "not_breach", "Not a breach"
