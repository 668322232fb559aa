"""The actions an access-log event may record: every writer names one of these, and the writers refuse any
other (custodian.audit.events). The stored value is the member's string, so events written before this enum
existed read, hash and verify as they always did; a new action is a new member here, never a free string."""

from enum import StrEnum


class Action(StrEnum):
    # One customer at a time, through the gate.
    REVEAL = "reveal"
    REVEAL_HISTORY = "reveal_history"
    REVEAL_DOCUMENTS = "reveal_documents"
    REVEAL_INTERVALS = "reveal_intervals"
    LOOKUP = "lookup"
    INTAKE_LOOKUP = "intake_lookup"
    BREAK_GLASS = "break_glass"
    # Many customers at once, through the gate: the generic reads and the work that names its own.
    BULK_REVEAL = "bulk_reveal"
    BULK_REVEAL_DOCUMENTS = "bulk_reveal_documents"
    BULK_REVEAL_INTERVALS = "bulk_reveal_intervals"
    BILL_RUN = "bill_run"
    REBILL = "rebill"
    BILL_NOTICE = "bill_notice"
    COMPARISON_REPORTS = "comparison_reports"
    VENDOR_EXPORT = "vendor_export"
    DISCLOSURE = "disclosure"
    POLICY_NOTICE = "policy_notice"
    PROTECTIONS_CHECK = "protections_check"
    MARKETING_AUDIENCE = "marketing_audience"
    RETENTION_MONTHLY_TOTALS = "retention_monthly_totals"
    REGISTER_READS_IMPORT = "register_reads_import"
    # Values written before their field was a look-up field, read once to write their blind index.
    BLIND_INDEX_FILL = "blind_index_fill"
    # The privacy officer's answer to a read held past the hourly limit.
    HOLD_DECISION = "hold_decision"
    # Changes to what the utility holds about a customer, or to who may read it (append_change).
    RECORD_VALUES = "record_values"
    VALUES_REMOVED = "values_removed"  # a value removed at the customer's word, none in its place
    CONSENT_GIVEN = "consent_given"
    CONSENT_REVOKED = "consent_revoked"
    BREAK_GLASS_REVIEW = "break_glass_review"
    # The privacy officer marked an unusual-access flag reviewed, with a note.
    FLAG_REVIEWED = "flag_reviewed"
    # The privacy officer read the access log itself (a page of it, or a download): who watches is watched.
    ACCESS_LOG_REVIEWED = "access_log_reviewed"
    ACCESS_LOG_DOWNLOADED = "access_log_downloaded"
    STAFF_MEMBERSHIP = "staff_membership"
    STAFF_ADDED = "staff_added"
    STAFF_DEACTIVATED = "staff_deactivated"
    STAFF_REACTIVATED = "staff_reactivated"
    STAFF_PASSWORD_RESET = "staff_password_reset"
    STAFF_MFA_RESET = "staff_mfa_reset"
    # A staff change that widens someone's access to customer data or lets one person act as another, held
    # for a second administrator (custodian.staff.approvals); a member's own password set from a set-up
    # link; a member's recovery codes made anew.
    STAFF_CHANGE_ASKED = "staff_change_asked"
    STAFF_CHANGE_APPROVED = "staff_change_approved"
    STAFF_CHANGE_DECLINED = "staff_change_declined"
    STAFF_PASSWORD_SET = "staff_password_set"
    # A vendor determination recorded, and a second person's approval or decline of it
    # (custodian.disclosures.services.vendors): it takes effect only once approved.
    DETERMINATION_ASKED = "determination_asked"
    DETERMINATION_APPROVED = "determination_approved"
    DETERMINATION_DECLINED = "determination_declined"
    # A batch of entries in the accounting of disclosures, sealed into the log (custodian.audit.record_seals).
    DISCLOSURE_ACCOUNTED = "disclosure_accounted"
    STAFF_RECOVERY_CODES = "staff_recovery_codes"
    API_TOKEN_ISSUED = "api_token_issued"
    API_TOKEN_EXPIRED = "api_token_expired"
    API_TOKEN_REVOKED = "api_token_revoked"
    # Accounts over time (custodian.customers.services): service started, stopped, moved; a request for it.
    SERVICE_STARTED = "service_started"
    SERVICE_STOPPED = "service_stopped"
    SERVICE_MOVED = "service_moved"
    SERVICE_CHANGE_ASKED = "service_change_asked"
    # Deposits and refunds (custodian.billing.deposits), budget billing (custodian.billing.budget).
    DEPOSIT_ASKED = "deposit_asked"
    DEPOSIT_PAID = "deposit_paid"
    DEPOSIT_RETURNED = "deposit_returned"
    DEPOSIT_RELEASED = "deposit_released"
    DEPOSIT_INTEREST_CREDITED = "deposit_interest"  # the column holds 24 characters
    CREDIT_REFUNDED = "credit_refunded"
    REFUND_SENT = "refund_sent"
    BUDGET_STARTED = "budget_started"
    BUDGET_TRUED_UP = "budget_trued_up"
    BUDGET_ENDED = "budget_ended"
    # A disconnection order withdrawn for a payment agreement asked for or agreed (custodian.collecting).
    DISCONNECTION_WITHDRAWN = "disconnection_withdrawn"
    # A payment agreement agreed, or its request answered without one (closed, when nothing is past due any
    # more) (custodian.collecting.services); a payment received recorded by staff
    # (custodian.payments.received).
    PAYMENT_AGREEMENT_AGREED = "agreement_agreed"
    PAYMENT_AGREEMENT_DECLINED = "agreement_declined"
    PAYMENT_AGREEMENT_CLOSED = "agreement_closed"
    PAYMENT_RECORDED = "payment_recorded"
    LATE_FEE_REVERSED = "late_fee_reversed"
    # Accuracy challenges (custodian.disclosures.services.disagreements, custodian.casework.corrections).
    DISAGREEMENT_RECORDED = "disagreement_recorded"
    CORRECTION_NOTICE_SENT = "correction_notice_sent"
    METER_CHALLENGE_RESULT = "meter_challenge_result"
    # A repeat data request within six months answered in full on the privacy officer's decision.
    REPEAT_ANSWERED_IN_FULL = "repeat_answered_in_full"
    # Authorized representatives (custodian.casework.representatives).
    REPRESENTATIVE_ADDED = "representative_added"
    REPRESENTATIVE_VERIFIED = "representative_verified"
    REPRESENTATIVE_REVOKED = "representative_revoked"
    # An invitation opened by someone signed in with the address it reached: the authority joins that
    # sign-in (custodian.portal.services.representative_authority_join).
    REPRESENTATIVE_JOINED = "representative_joined"
    # A customer's portal password set from a reset link (custodian.portal.password_reset).
    PORTAL_PASSWORD_RESET = "portal_password_reset"
    # A customer's portal sign-in: a sign-up confirmed, the password changed, an authenticator app switched
    # on or off (custodian.portal.services, custodian.portal.sign_in_security).
    PORTAL_SIGNED_UP = "portal_signed_up"
    PORTAL_PASSWORD_CHANGED = "portal_password_changed"
    PORTAL_AUTHENTICATOR_ON = "portal_authenticator_on"
    PORTAL_AUTHENTICATOR_OFF = "portal_authenticator_off"
    # A limited online account lifted with the code mailed to the customer (custodian.portal.mailed_code).
    PORTAL_LIMIT_LIFTED = "portal_limit_lifted"
    # Green Button Connect My Data (custodian.connect): a third party registered and reviewed.
    THIRD_PARTY_REGISTERED = "third_party_registered"
    THIRD_PARTY_REVIEWED = "third_party_reviewed"
    # A law enforcement request recorded by the privacy officer, waiting for its second approver; approved
    # by them in their own session (custodian.disclosures.services.authorities).
    LEGAL_AUTHORITY_ASKED = "legal_authority_asked"
    LEGAL_AUTHORITY_APPROVED = "legal_authority_approved"


# Reads of one customer at a time (bulk reads are exports, reports and disclosures, accounted elsewhere).
SINGLE_READS = frozenset(
    {
        Action.REVEAL,
        Action.REVEAL_HISTORY,
        Action.REVEAL_DOCUMENTS,
        Action.REVEAL_INTERVALS,
        Action.LOOKUP,
        Action.INTAKE_LOOKUP,
    }
)

# The changes append_change records (a change is always allowed; a read is decided by the gate).
CHANGE_ACTIONS = frozenset(
    {
        Action.RECORD_VALUES,
        Action.VALUES_REMOVED,
        Action.CONSENT_GIVEN,
        Action.CONSENT_REVOKED,
        Action.BREAK_GLASS_REVIEW,
        Action.FLAG_REVIEWED,
        Action.ACCESS_LOG_REVIEWED,
        Action.ACCESS_LOG_DOWNLOADED,
        Action.STAFF_MEMBERSHIP,
        Action.STAFF_ADDED,
        Action.STAFF_DEACTIVATED,
        Action.STAFF_REACTIVATED,
        Action.STAFF_PASSWORD_RESET,
        Action.STAFF_MFA_RESET,
        Action.STAFF_CHANGE_ASKED,
        Action.STAFF_CHANGE_APPROVED,
        Action.STAFF_CHANGE_DECLINED,
        Action.STAFF_PASSWORD_SET,
        Action.DETERMINATION_ASKED,
        Action.DETERMINATION_APPROVED,
        Action.DETERMINATION_DECLINED,
        Action.DISCLOSURE_ACCOUNTED,
        Action.STAFF_RECOVERY_CODES,
        Action.API_TOKEN_ISSUED,
        Action.API_TOKEN_EXPIRED,
        Action.API_TOKEN_REVOKED,
        Action.SERVICE_STARTED,
        Action.SERVICE_STOPPED,
        Action.SERVICE_MOVED,
        Action.SERVICE_CHANGE_ASKED,
        Action.DEPOSIT_ASKED,
        Action.DEPOSIT_PAID,
        Action.DEPOSIT_RETURNED,
        Action.DEPOSIT_RELEASED,
        Action.DEPOSIT_INTEREST_CREDITED,
        Action.CREDIT_REFUNDED,
        Action.REFUND_SENT,
        Action.BUDGET_STARTED,
        Action.BUDGET_TRUED_UP,
        Action.BUDGET_ENDED,
        Action.DISCONNECTION_WITHDRAWN,
        Action.PAYMENT_AGREEMENT_AGREED,
        Action.PAYMENT_AGREEMENT_DECLINED,
        Action.PAYMENT_AGREEMENT_CLOSED,
        Action.PAYMENT_RECORDED,
        Action.LATE_FEE_REVERSED,
        Action.DISAGREEMENT_RECORDED,
        Action.CORRECTION_NOTICE_SENT,
        Action.METER_CHALLENGE_RESULT,
        Action.REPEAT_ANSWERED_IN_FULL,
        Action.REPRESENTATIVE_ADDED,
        Action.REPRESENTATIVE_VERIFIED,
        Action.REPRESENTATIVE_REVOKED,
        Action.REPRESENTATIVE_JOINED,
        Action.PORTAL_PASSWORD_RESET,
        Action.PORTAL_SIGNED_UP,
        Action.PORTAL_PASSWORD_CHANGED,
        Action.PORTAL_AUTHENTICATOR_ON,
        Action.PORTAL_AUTHENTICATOR_OFF,
        Action.PORTAL_LIMIT_LIFTED,
        Action.THIRD_PARTY_REGISTERED,
        Action.THIRD_PARTY_REVIEWED,
        Action.LEGAL_AUTHORITY_ASKED,
        Action.LEGAL_AUTHORITY_APPROVED,
    }
)

_KNOWN = frozenset(a.value for a in Action)


def known_action(value) -> str:
    """The action's stored string, if it is a member of Action; ValueError naming it otherwise."""
    if value not in _KNOWN:
        raise ValueError(f"not an action the access log knows: {value!r}")
    return str(value)
