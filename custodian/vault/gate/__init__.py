"""The gate: the only way to a customer's personal data in plaintext.

Every read names who asks, which customer(s), which fields and the purpose (and the open request when
the purpose needs one). The decision follows the policy file: the asker's support services must be granted
the purpose, and the purpose must allow every category asked for. Allow and deny both append an event to
the access log in the same transaction as the read: if the event can't be written, nothing is revealed. A
denial is recorded even when the caller's own transaction then rolls back. "No such customer" and "not
allowed" give the same answer to the caller.

This package is the only importer of the decryption primitive (`custodian.vault._crypto`; an import-linter
contract and a test fail the build otherwise). Its modules: `actors` (who asks), `decision` (the policy's
answer and the access-log record), `values` (personal values and lookups), `documents` (sealed documents and
interval readings), `month_totals` (many customers' monthly totals of interval readings, opened in worker
processes after the access events are committed), `spark_totals` and `spark_blocks` (the same on Spark
executors: the driver decides and logs, executors open), `break_glass` (emergency access, its review and
the review queue). Callers import from `custodian.vault.gate`.
"""

from custodian.audit import events as log  # noqa: F401 (the access log's writer, as the gate uses it)
from custodian.vault.gate.actors import (
    Actor,
    customer_actor,
    staff_actor,
    system_actor,
    third_party_actor,
    vendor_actor,
)
from custodian.vault.gate.break_glass import (
    break_glass_open,
    break_glass_refused,
    break_glass_review,
    break_glass_review_queue,
    emergency_purposes_open,
)
from custodian.vault.gate.decision import (
    MARKETING_PURPOSE,
    NOT_FOUND_OR_DENIED,
    Decision,
    Denied,
    Destroyed,
    Held,
    VaultIntegrityError,
    policy_decision,
)
from custodian.vault.gate.documents import (
    Document,
    reveal_documents,
    reveal_documents_many,
    reveal_intervals,
    reveal_intervals_many,
    reveal_with_intervals_many,
)
from custodian.vault.gate.month_totals import ChunkTotals, TotalsAsk, month_totals_many
from custodian.vault.gate.refusals import held_in_words, refused_in_words
from custodian.vault.gate.spark_totals import SparkTotals, month_totals_on_spark
from custodian.vault.gate.values import ValueHeld, find_customers, reveal, reveal_history, reveal_many

__all__ = [
    "MARKETING_PURPOSE",
    "NOT_FOUND_OR_DENIED",
    "Actor",
    "ChunkTotals",
    "Decision",
    "Denied",
    "Destroyed",
    "Document",
    "Held",
    "SparkTotals",
    "TotalsAsk",
    "ValueHeld",
    "VaultIntegrityError",
    "break_glass_open",
    "break_glass_refused",
    "break_glass_review",
    "break_glass_review_queue",
    "customer_actor",
    "emergency_purposes_open",
    "find_customers",
    "held_in_words",
    "month_totals_many",
    "month_totals_on_spark",
    "policy_decision",
    "refused_in_words",
    "reveal",
    "reveal_documents",
    "reveal_documents_many",
    "reveal_intervals",
    "reveal_intervals_many",
    "reveal_history",
    "reveal_many",
    "reveal_with_intervals_many",
    "staff_actor",
    "system_actor",
    "third_party_actor",
    "vendor_actor",
]
