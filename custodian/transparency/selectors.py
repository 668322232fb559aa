"""The archived versions of the privacy policy: public, for anyone (the website lists them)."""

from custodian.transparency.models import PolicyVersion


def policy_versions() -> list[PolicyVersion]:
    """Every archived version, the newest first."""
    return list(PolicyVersion.objects.order_by("-effective_date"))


def policy_version(version: str) -> PolicyVersion | None:
    """The archived version named `version`, or None."""
    return PolicyVersion.objects.filter(version=version[:20]).first()
