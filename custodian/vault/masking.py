"""Values shown with all but their last four digits hidden until the customer re-enters their password: the
portal's pages and downloads (`custodian.portal.access.mine`), and everything that is written down and
travels (a letter, its copy in the portal, the mailing house's file, a notice to a past recipient): a
letter can't ask for the password, so it carries the last four digits only. The full values go to the
customer only through a download made after re-entering the password."""

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
