"""A bill's sealed content as the bill run writes it and as readers get it.

The bill run writes each line as a row under one header (`line_columns`), not as a dict repeating its seven
keys: the same information in about half the bytes to encode, seal and store. Readers (the bill's page, its
PDF, the mailing vendor's letters) get every line as a dict, whichever way the bill was written (bills
issued before the rows were introduced hold dicts). What it holds beyond the bill itself (the name, the
addresses and the account number) is left out for a reader whose categories do not cover it
(`bill_within`)."""

import json

LINE_COLUMNS = ("service", "description", "quantity", "unit", "price", "amount", "version")


def bill_content_read(payload: bytes | str) -> dict:
    """A bill's content from its sealed document's bytes, its lines as dicts."""
    content = json.loads(payload)
    columns = content.pop("line_columns", None)
    if columns is not None:
        content["lines"] = [dict(zip(columns, row, strict=True)) for row in content.get("lines", [])]
    return content


# What a bill's content holds beyond the bill itself (its charges and the usage billed, the policy file's
# "bills"), each under the key of its own data category: shown only to a reader whose categories cover it.
HELD_BEYOND = ("name", "mailing_address", "service_address", "account_number")


def bill_within(content: dict, within) -> tuple[dict, list[str]]:
    """A bill's content without what it holds beyond the bill that `within` (a representative's categories;
    None, every one: the customer themself) does not cover, and the categories it left out."""
    if within is None:
        return content, []
    left_out = [c for c in HELD_BEYOND if c not in within]
    return {k: v for k, v in content.items() if k not in left_out}, left_out
