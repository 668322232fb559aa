"""Bank details shown with all but their last four digits hidden, wherever a person reads them: on every
surface of staff, always (the console's customer page, a data request's package and its letter, a correction
notice, the API's reveal, a disclosure's package: no task of staff needs the whole number), and on the
portal's pages and downloads until the customer re-enters their password (`custodian.portal.access.mine`);
everything that is written down and travels (a letter, its copy in the portal, the mailing house's file, a
notice to a past recipient) carries the last four digits only, since a letter can't ask for the password.
The whole number leaves only in the bank's debit file (encrypted to the bank,
`custodian.payments.nacha`) and to the customer themself, in the download made after re-entering the
password. `custodian/vault/tests/test_bank_details_masked_on_every_surface.py` walks every surface."""

import re

# A session left open, or taken over, does not show where the money comes from; nor does a letter opened by
# someone else in the house or lost in the mail. The routing number is public, but it is masked the same
# way so that the bank details read the same wherever they are shown.
MASKED_UNTIL_REAUTH = ("bank_account",)


def last_four(value: str) -> str:
    """Every digit but the last four hidden: `routing 555000005 account 123456789` →
    `routing ••••••••• account •••••6789`."""
    keep = len(re.findall(r"\d", value)) - 4
    out = []
    for ch in value:
        if ch.isdigit() and keep > 0:
            out.append("•")
            keep -= 1
        else:
            out.append(ch)
    return "".join(out)


def shown_masked(field: str, value: str) -> str:
    """`value` of `field` as it may be shown without the password re-entered (most fields: as it is)."""
    return last_four(value) if field in MASKED_UNTIL_REAUTH and value else value


def masked(values: dict[str, str]) -> dict[str, str]:
    """`{field: value}` with each field of MASKED_UNTIL_REAUTH masked."""
    return {f: shown_masked(f, v) for f, v in values.items()}
