from custodian.incidents.models import Incident


def published_reports():
    """Incidents whose report is complete: their public summaries, newest first (for the website)."""
    return Incident.objects.filter(report_completed_at__isnull=False).order_by("-report_completed_at")
