"""Every column that keeps a keyed digest, a blind index, a hash, a token or a key, and what deleting a
customer's data (their erasure, or the retention run's shredding of their closed account past its period)
does to it.

A digest of a personal value is that value to anyone holding the key (or, unkeyed, nobody needing one) and a
guess: a blind index of a deleted e-mail address still tells whose it was. So every column of that kind, of
Custodian's models and of the libraries' it installs, is declared here on one side, with why:

- FORGOTTEN: it holds a digest of something the erasure deletes (the voluntary contact details, the online
  account), all of which the run's shredding deletes too: both clear it, or delete its row, by one step
  (`retention.forgetting.digests_forget`, in the erasure's transaction and in the shredding's before the data
  key goes), or with the values and the online account each deletes; the same step forgets the digests of an
  earlier address or number the run destroys once replaced long enough, before it goes;
- OF_WHAT_IS_KEPT: it holds a digest of something the erasure keeps, as the law or the policy asks (an
  account's records, a bill, a letter, the access log): it tells nothing that what it digests doesn't;
- TIED_TO_NOBODY: a digest of something personal that no row ties to a customer, gone within a day or telling
  only what the one holding the original knows already;
- NOT_PERSONAL: a random token, a key, a checksum of one, a tree's hash or a policy notice's key.

`custodian/retention/tests/test_erasure_leaves_no_digest.py` walks every model's columns whose names say they
are of this kind and fails on one not declared here (so a new one is decided, not forgotten), and checks that
an erasure, a closed account's shredding and the run's destruction of replaced values each leave none of the
FORGOTTEN ones holding a digest of what they deleted.
"""

FORGOTTEN = "forgotten when the customer's data is deleted"
OF_WHAT_IS_KEPT = "a digest of what the erasure keeps"
TIED_TO_NOBODY = "tied to no customer"
NOT_PERSONAL = "not of personal data"

DIGEST_COLUMNS: dict[str, tuple[str, str]] = {
    # What the erasure deletes, and the digests of it.
    "vault.PersonalValue.blind_index": (
        FORGOTTEN,
        "deleted with the values the erasure deletes (every value, by the run's shredding), the customer's "
        "and the ones a request verified as theirs arrived with (retention.forgetting); a value the erasure "
        "keeps (the name, the addresses, the account number) is of what is kept",
    ),
    "outbox.OutboundMessage.to_address_index": (
        FORGOTTEN,
        "cleared on every message to the customer or to a deleted address, an earlier one the run destroys "
        "included (outbox.forget, through retention.forgetting)",
    ),
    "casework.CustomerRequest.source_key": (
        FORGOTTEN,
        "cleared on every request of the customer's (casework.forget, through retention.forgetting), its "
        "keyed digest kept alone",
    ),
    "auth.User.username": (
        FORGOTTEN,
        "a portal sign-in's name is the blind index of its address: deleted with the online account; a staff "
        "member's name is no customer's",
    ),
    "axes.AccessAttempt.username": (
        FORGOTTEN,
        "the running count of failures under the online account's name or a deleted address's, as an "
        "account's or as the hash of one that was no account's: deleted (staff.lockout.sign_in_names_forget, "
        "through retention.forgetting and the online account's deletion)",
    ),
    "axes.AccessFailureLog.username": (FORGOTTEN, "cleared, as the next; the failure stays on the log"),
    "axes.AccessLog.username": (
        FORGOTTEN,
        "cleared for the same names; the sign-in stays on the log (staff.lockout.sign_in_names_forget)",
    ),
    # Digests of what is kept.
    "outbox.OutboundMessage.content_sha256": (
        OF_WHAT_IS_KEPT,
        "the whole text of a message, kept sealed as the customer's correspondence",
    ),
    "billing.Bill.content_sha256": (OF_WHAT_IS_KEPT, "a bill, an account's record"),
    "disclosures.LegalAuthority.document_sha256": (
        OF_WHAT_IS_KEPT,
        "the legal authority for a disclosure, kept with the accounting of disclosures",
    ),
    "disclosures.VendorExport.sha256": (
        OF_WHAT_IS_KEPT,
        "a whole file sent to a vendor, on the accounting of disclosures",
    ),
    "disclosures.VendorPseudonym.pseudonym": (
        OF_WHAT_IS_KEPT,
        "a keyed digest of the customer's record number, which is kept; a vendor's results come back under "
        "it",
    ),
    "audit.AccessEvent.actor_commitment": (
        OF_WHAT_IS_KEPT,
        "the access log's commitment to who acted, named on the event itself; the log is kept",
    ),
    "audit.AccessEvent.actor_salt": (OF_WHAT_IS_KEPT, "the random salt of the commitment above"),
    "audit.AccessEvent.seal": (OF_WHAT_IS_KEPT, "an HMAC of the access log's event, which is kept"),
    "audit.Tile.hashes": (OF_WHAT_IS_KEPT, "the access log's Merkle tree"),
    "audit.TreeHead.root": (OF_WHAT_IS_KEPT, "the access log's Merkle tree"),
    "audit.SignedHead.root": (OF_WHAT_IS_KEPT, "the access log's Merkle tree"),
    "audit.Redaction.leaf_hash": (OF_WHAT_IS_KEPT, "the leaf of a redacted event, kept so the tree verifies"),
    "audit.Redaction.seal": (
        OF_WHAT_IS_KEPT,
        "an HMAC of a redaction of the access log (the event's number, leaf and time, the reason), kept "
        "with it",
    ),
    # Tied to no customer.
    "casework.ForgottenSource.digest": (
        TIED_TO_NOBODY,
        "a keyed digest of an erased request's source key, with nothing that says whose",
    ),
    "web.RateCount.key": (
        TIED_TO_NOBODY,
        "a keyed hash of a client's address or of an account number typed, for a window of a day at most",
    ),
    "analytics.PageView.visitor": (
        TIED_TO_NOBODY,
        "a visitor's code for one day, its key destroyed at midnight",
    ),
    # Random tokens, keys and their checksums; positions, notices' keys, the published policy.
    "audit.Redaction.leaf_index": (NOT_PERSONAL, "a position in the access log's tree"),
    "transparency.PolicyVersion.sha256": (NOT_PERSONAL, "a published policy"),
    "sessions.Session.session_key": (NOT_PERSONAL, "random"),
    "otp_totp.TOTPDevice.key": (NOT_PERSONAL, "a random secret; deleted with the sign-in it belongs to"),
    "otp_static.StaticToken.token": (NOT_PERSONAL, "a random recovery code; deleted with its sign-in"),
    "axes.AccessLog.session_hash": (NOT_PERSONAL, "a hash of a random session key"),
    "oauth2_provider.Application.hash_client_secret": (NOT_PERSONAL, "a setting"),
    "oauth2_provider.Grant.nonce": (NOT_PERSONAL, "random"),
    "oauth2_provider.AccessToken.token": (NOT_PERSONAL, "random; deleted when the authorization ends"),
    "oauth2_provider.AccessToken.token_checksum": (NOT_PERSONAL, "of a random token"),
    "oauth2_provider.RefreshToken.token": (NOT_PERSONAL, "random; deleted when the authorization ends"),
    "oauth2_provider.RefreshToken.token_checksum": (NOT_PERSONAL, "of a random token"),
    "oauth2_provider.RefreshToken.token_family": (NOT_PERSONAL, "random"),
    "connect.SpentCode.code_checksum": (NOT_PERSONAL, "of a random authorization code"),
    "connect.SpentCode.token_family": (NOT_PERSONAL, "random"),
    "portal.PortalAccount.code_hash": (NOT_PERSONAL, "of a random code; deleted with the online account"),
    "payments.PaymentSession.token": (NOT_PERSONAL, "random"),
    "web.FormSent.token": (NOT_PERSONAL, "random"),
    "staff.SetupLink.token_hash": (NOT_PERSONAL, "of a random token, for staff"),
    "api.ApiToken.token_hash": (NOT_PERSONAL, "of a random token"),
    "audit.AccessEvent.nonce": (NOT_PERSONAL, "random"),
    "audit.SignedHead.key_hash": (NOT_PERSONAL, "names a signing key"),
    "vault.DataKey.key_id": (NOT_PERSONAL, "names a key"),
    "disclosures.Vendor.public_key": (NOT_PERSONAL, "a vendor's key"),
    "disclosures.VendorExport.sealed_key": (NOT_PERSONAL, "an export's file key, sealed"),
    "disclosures.Consent.sealed_ref": (NOT_PERSONAL, "where a sealed document is"),
    "disclosures.Disagreement.sealed_ref": (NOT_PERSONAL, "where a sealed document is"),
    "customers.Account.opened_notice_key": (NOT_PERSONAL, "a notice of the policy file"),
    "customers.Account.metering_notice_key": (NOT_PERSONAL, "a notice of the policy file"),
    "customers.ServiceChange.notice_key": (NOT_PERSONAL, "a notice of the policy file"),
    "vault.Provenance.notice_key": (NOT_PERSONAL, "a notice of the policy file"),
}
