"""Security incidents under Minn. Stat. § 13.055: opened from an unusual-access flag or by hand, investigated
(notes; the people and data affected, computed from the access log), determined (a breach or not, with the
reasons), the people affected told in writing through the outbox, the consumer reporting agencies told when
more than 1,000 were, the report on the facts and results (and its public summary), each step's deadline
tracked; and the annual comprehensive security assessment (subd. 6).

Nothing here holds a customer's personal data in clear: affected people are internal customer numbers and the
policy file's category keys; the letters are the outbox's, sealed as each person's correspondence."""

from django.conf import settings
from django.db import models

from custodian.incidents.choices import IncidentDetermination, IncidentSource
from custodian.textlist import CommaList


class Incident(models.Model):
    Source = IncidentSource
    Determination = IncidentDetermination

    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    summary = models.CharField(max_length=300, help_text="what was seen (no customer's personal data)")
    # The access under investigation: whose reads, in which window, and whether only reads without a request.
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    only_without_request = models.BooleanField(default=True)
    affected_computed_at = models.DateTimeField(null=True, blank=True)

    determination = models.CharField(max_length=12, choices=Determination.choices, blank=True)
    determination_reasons = models.TextField(blank=True)
    determined_at = models.DateTimeField(null=True, blank=True)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Subd. 3: notice may be delayed while a law enforcement agency says it would impede its investigation.
    delayed_until = models.DateField(null=True, blank=True)
    delay_reason = models.CharField(max_length=300, blank=True)

    notices_sent_at = models.DateTimeField(null=True, blank=True)
    agencies_notified_at = models.DateTimeField(null=True, blank=True)
    agencies_note = models.TextField(
        blank=True, help_text="which agencies, and the timing, distribution and content told"
    )

    # Subd. 2(b): the report on the facts and results of the investigation.
    report_facts = models.TextField(blank=True)
    report_data_description = models.TextField(blank=True)
    report_affected_count = models.PositiveIntegerField(null=True, blank=True)
    disciplinary_disposition = models.TextField(
        blank=True, help_text="the final disposition of disciplinary action"
    )
    disciplinary_final_on = models.DateField(null=True, blank=True)
    responsible_employees = models.CharField(
        max_length=300, blank=True, help_text="named only once disciplinary action is final"
    )
    report_completed_at = models.DateTimeField(null=True, blank=True)
    report_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_summary = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["opened_at"])]

    def __str__(self):
        return f"Incident {self.pk}"

    @property
    def ref(self) -> str:
        return f"incident:{self.pk}"


class IncidentNote(models.Model):
    """An investigation note: who wrote what, when. Append-only."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notes")
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()


class FlagReview(models.Model):
    """The privacy officer looked at an unusual-access flag (who, what kind) and found it explained: the note
    says why. The flag shows as reviewed while no event after the review raises it again."""

    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=120)
    count = models.PositiveIntegerField()
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["actor_kind", "actor_id", "kind", "reviewed_at"])]


class AffectedPerson(models.Model):
    """A person whose data the access under investigation reached, from the access log: which categories,
    when, how many reads; and the notice they were sent."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="affected")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    categories = models.CharField(max_length=300)
    first_read_at = models.DateTimeField()
    last_read_at = models.DateTimeField()
    reads = models.PositiveIntegerField()
    notice = models.ForeignKey(
        "outbox.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "customer"], name="one_row_per_person")]

    category_list = CommaList("categories")


class SecurityAssessment(models.Model):
    """The comprehensive security assessment of the personal information the utility keeps, at least once a
    year (§ 13.055 subd. 6). Append-only."""

    performed_on = models.DateField()
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = models.TextField()
    findings = models.TextField()
    actions = models.TextField(help_text="what will be done about the findings, by whom, by when")
    recorded_at = models.DateTimeField(auto_now_add=True)
