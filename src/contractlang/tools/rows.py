"""Results as flat rows: one per effect, one per key of the final state, one per scenario in error.

`contract eval --format csv`, `contract batch` and the memos all write the
same rows, so that a spreadsheet made from one run reads like one made from a
thousand. Every value is the exact text of the JSON result (amounts stay
strings); a column a row has nothing for is empty.
"""

from __future__ import annotations

import csv
import json

from ..runtime.effects import KIND_KEYS, Result

IDENTITY_COLUMNS = ("contract", "scenario", "varying")
RECORD_COLUMNS = ("row", "date", "time", "kind", "clause", "cause", "name", "value")
DETAIL_COLUMNS = tuple(dict.fromkeys(key for keys in KIND_KEYS.values() for key in keys if key not in ("name", "value")))
SNAPSHOT_COLUMNS = ("snapshot",)  # the named values a contract reports with each effect, as JSON text
ERROR_COLUMNS = ("position", "message")
COLUMNS = IDENTITY_COLUMNS + RECORD_COLUMNS + DETAIL_COLUMNS + SNAPSHOT_COLUMNS + ERROR_COLUMNS


def _text(value) -> str | None:
    """A cell: strings as they are, a period as START/END (an ISO interval), anything else as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return f"{value[0]}/{value[1]}"
    return json.dumps(value, ensure_ascii=False)


def _row(identity: dict, **cells) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(identity)
    row.update({key: _text(value) for key, value in cells.items()})
    return row


def result_rows(result: Result, contract: str = "", scenario: str = "", varying: str = "") -> list[dict]:
    """The rows of one result: its effects in order (row 1, 2, ...), then its state (row "state")."""
    identity = {"contract": contract, "scenario": scenario, "varying": varying}
    rows = []
    for number, effect in enumerate(result.effects, 1):
        record = effect.to_json()
        cause = record.pop("cause")
        rows.append(_row(identity, row=str(number), cause=None if cause is None else str(cause), **record))
    for name, value in result.state.items():
        rows.append(_row(identity, row="state", date=result.until.isoformat(), kind="state", name=name, value=value))
    return rows


def error_row(diagnostic, contract: str = "", scenario: str = "", varying: str = "") -> dict:
    """The row of a scenario that could not be evaluated: the diagnostic's message and position."""
    identity = {"contract": contract, "scenario": scenario, "varying": varying}
    return _row(identity, row="error", kind="error", position=str(diagnostic.span) if diagnostic.span else None,
                message=diagnostic.message)


def csv_header() -> str:
    return _csv_text([dict(zip(COLUMNS, COLUMNS))])


def csv_text(rows: list[dict], header: bool = True) -> str:
    """Rows as CSV (RFC 4180, `\\r\\n` line ends as the csv module writes them), the header first unless told."""
    return (csv_header() if header else "") + _csv_text(rows)


def _csv_text(rows: list[dict]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def jsonl_text(rows: list[dict]) -> str:
    """Rows as JSON lines, each with the keys that have a value, in the order of COLUMNS."""
    return "".join(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n"
                   for row in rows)
