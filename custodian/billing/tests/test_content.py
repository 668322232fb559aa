"""A bill's sealed content: the bill run writes its lines as rows under one header; readers get dicts, for
bills written either way."""

import json

from custodian.billing.content import LINE_COLUMNS, bill_content_read

ROW = ("electric", "Usage", "612.000", "kWh", "0.1150", "70.38", "2026-01")


def test_lines_written_as_rows_are_read_as_dicts():
    payload = json.dumps({"total": "70.38", "line_columns": LINE_COLUMNS, "lines": [ROW]}).encode()
    content = bill_content_read(payload)
    assert content["lines"] == [dict(zip(LINE_COLUMNS, ROW, strict=True))]
    assert "line_columns" not in content


def test_an_earlier_bill_with_dict_lines_reads_the_same():
    line = dict(zip(LINE_COLUMNS, ROW, strict=True))
    content = bill_content_read(json.dumps({"total": "70.38", "lines": [line]}))
    assert content["lines"] == [line]
