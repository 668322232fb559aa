"""A bill's sealed content as the bill run writes it and as readers get it.

The bill run writes each line as a row under one header (`line_columns`), not as a dict repeating its seven
keys: the same information in about half the bytes to encode, seal and store. Readers (the bill's page, its
PDF, the mailing vendor's letters) get every line as a dict, whichever way the bill was written (bills
issued before the rows were introduced hold dicts)."""

import json

LINE_COLUMNS = ("service", "description", "quantity", "unit", "price", "amount", "version")


def bill_content_read(payload: bytes | str) -> dict:
    """A bill's content from its sealed document's bytes, its lines as dicts."""
    content = json.loads(payload)
    columns = content.pop("line_columns", None)
    if columns is not None:
        content["lines"] = [dict(zip(columns, row, strict=True)) for row in content.get("lines", [])]
    return content
