"""The access log: append-only, hash-chained events of every decision the gate takes.

Every column of an event is covered by its hash (see custodian.audit.chain.CANON_FIELDS); the head row
and periodic checkpoints let a truncated tail be detected.
"""

from datetime import UTC, datetime

from django.db import models

GENESIS_HASH = "0" * 64


class AccessEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at_us = models.BigIntegerField(help_text="UTC time, microseconds since the epoch")
    action = models.CharField(max_length=24)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    roles = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=40)
    request_id = models.CharField(max_length=32, blank=True)
    customer_id = models.CharField(max_length=32, blank=True)
    categories = models.CharField(max_length=300, blank=True)
    decision = models.CharField(max_length=8)
    reason = models.CharField(max_length=500, blank=True)
    client_ip = models.CharField(max_length=64, blank=True)
    break_glass_id = models.CharField(max_length=32, blank=True)
    # A system job or a vendor export: the staff member who started it (user name).
    on_behalf_of = models.CharField(max_length=150, blank=True)
    # "yes": the request that allowed the read was entered by the same staff member who read.
    own_request = models.CharField(max_length=8, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "seq"]),
            models.Index(fields=["actor_kind", "actor_id", "seq"]),
            models.Index(fields=["purpose", "seq"]),
            models.Index(fields=["at_us"]),
        ]

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.at_us / 1_000_000, tz=UTC)

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class ChainHead(models.Model):
    """One row: the last position and hash. Writers lock it, so the chain has one order."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)


class Checkpoint(models.Model):
    """The chain's hash at a position, written periodically: a deleted tail can't hide behind them."""

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
