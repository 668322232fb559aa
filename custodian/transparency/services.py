"""The policy's versions: archived as each takes effect, their differences, and customers told of a change
through the outbox (an e-mail where we hold an address, a letter otherwise)."""

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from custodian.audit.actions import Action
from custodian.customers.models import Account, Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import OutboxError, letter_send, message_send
from custodian.policy.loader import current_policy
from custodian.transparency.models import PolicyChangeNotice, PolicyVersion
from custodian.vault.gate import reveal_many, system_actor

NOTICE_JOB = "policy_notices"
CHUNK = 500


class TransparencyError(ValueError):
    """Something that can't be done as asked; the message says why."""


def _current_texts() -> tuple[str, str]:
    policy = current_policy()
    return policy.path.read_text(encoding="utf-8"), policy.published_text


def policy_archive(*, changes: list[str] | None = None) -> tuple[PolicyVersion, bool]:
    """Archive the policy in force (the file and the published text) under its version, once. Returns the
    archived version and whether it was new. The same version with other content is refused: a changed policy
    is a new version."""
    policy = current_policy()
    file_text, published = _current_texts()
    digest = hashlib.sha256(f"{file_text}\n\x00\n{published}".encode()).hexdigest()
    with transaction.atomic():
        existing = PolicyVersion.objects.filter(version=policy.version).first()
        if existing is not None:
            if existing.sha256 != digest:
                raise TransparencyError(
                    f"version {policy.version} is archived with other content: a changed policy needs a new "
                    "version in [policy]"
                )
            return existing, False
        return (
            PolicyVersion.objects.create(
                version=policy.version,
                effective_date=policy.effective_date,
                policy_file=file_text,
                published_text=published,
                sha256=digest,
                changes=[c.strip() for c in (changes or []) if c.strip()],
            ),
            True,
        )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add" | "remove" | "context" | "hunk"
    text: str


def differences(old: str, new: str) -> list[DiffLine]:
    """A unified diff of two texts, line by line, for display (difflib: the standard library does this)."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"@": "hunk", "+": "add", "-": "remove"}.get(line[:1], "context")
        lines.append(DiffLine(kind, line))
    return lines


def version_differences(version: PolicyVersion) -> dict:
    """What changed from the version before (None for the first): the published text and the policy file."""
    before = (
        PolicyVersion.objects.filter(effective_date__lt=version.effective_date)
        .order_by("-effective_date")
        .first()
    )
    if before is None:
        return {"previous": None, "text": [], "file": []}
    return {
        "previous": before,
        "text": differences(before.published_text, version.published_text),
        "file": differences(before.policy_file, version.policy_file),
    }


@dataclass
class NoticeReport:
    emails: int = 0
    letters: int = 0
    already: int = 0


def policy_change_notify(
    *,
    version: PolicyVersion,
    sent_by=None,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> NoticeReport:
    """Tell every customer in service of a policy version: an e-mail where we hold an address (read in bulk
    through the gate as the `policy_notices` job), a letter otherwise. Re-runnable: nobody is told twice.
    Progress counts the customers still to tell: `progress_total` once, before the first, then `progress` a
    chunk at a time."""

    policy = current_policy()
    previous = (
        PolicyVersion.objects.filter(effective_date__lt=version.effective_date)
        .order_by("-effective_date")
        .first()
    )
    regarding = f"policy:{version.version}"
    ids = sorted(set(Account.objects.filter(closed_on__isnull=True).values_list("customer_id", flat=True)))
    told = set(OutboundMessage.objects.filter(regarding=regarding).values_list("to_customer_id", flat=True))
    report = NoticeReport(already=len([c for c in ids if c in told]))
    pending = [c for c in ids if c not in told]
    if progress_total:
        progress_total(len(pending))
    d = version.effective_date
    context = {
        "version": version.version,
        "previous_version": previous.version if previous else gettext_lazy("none"),
        "effective_date": d,  # a date: each letter writes it in its customer's language
        "changes": version.changes or [gettext_lazy("See what changed on our website.")],
        "policy_url": f"{policy.utility.get('website', '').rstrip('/')}/privacy/versions/{version.version}/",
        "contact": policy.utility["responsible_authority"]["contact"],
        "utility": policy.utility["name"],
    }
    actor = system_actor(NOTICE_JOB, on_behalf_of=sent_by)
    sender = {"sent_by": sent_by} if sent_by is not None else {"sent_by_job": NOTICE_JOB}

    for start in range(0, len(pending), CHUNK):
        part = pending[start : start + CHUNK]
        emails = reveal_many(
            actor=actor,
            customer_ids=part,
            fields=["email"],
            purpose="contacting_customers",
            action=Action.POLICY_NOTICE,
        )
        customers = Customer.objects.in_bulk(part)
        for cid in part:
            address = emails.get(cid, {}).get("email", "")
            try:
                if address:
                    message_send(
                        to_address=address,
                        template="policy_change",
                        context=context,
                        to_customer=customers[cid],
                        regarding=regarding,
                        **sender,
                    )
                    report.emails += 1
                    continue
            except OutboxError:
                pass
            letter_send(
                to_customer=customers[cid],
                template="policy_change",
                context=context,
                regarding=regarding,
                **sender,
            )
            report.letters += 1
        if progress:
            progress(len(part))
    PolicyChangeNotice.objects.create(
        version=version, sent_at=timezone.now(), sent_by=sent_by, emails=report.emails, letters=report.letters
    )
    return report
