"""The customer's billing for a month as the use cases serve it: the summary and the lines CSV.

The port (`BillingSummarySource`) and its models are the domain's, in telefonist.ports.billing;
an adapter over the billing table (telefonist.dal.billing_summary) implements it. Tests use the
in-memory one here, which sums its lines with the same rules (`summarise`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from telefonist.edge.errors import InvalidInputError
from telefonist.ports.billing import (
    CSV_COLUMNS,
    BillingSummary,
    BillingSummarySource,
    TariffTotal,
    TooManyLines,
)
from telefonist.ports.store import RepositoryError

# A download stays well inside Lambda's 6 MB response (about 140 bytes a line).
MAX_CSV_LINES = 30_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def summarise(tenant_id: str, month: str, lines: Iterable[Mapping[str, Any]]) -> BillingSummary:
    """Calls, calls over budget and amount per tariff of a month's lines (one row per billed call)."""
    totals: dict[int, list[int]] = {}
    for line in lines:
        total = totals.setdefault(int(line["tariff"]), [0, 0, 0])
        total[0] += 1
        total[1] += int(line["amount_ore"])
        total[2] += bool(line["over_45s"])
    tariffs = [
        TariffTotal(tariff=tariff, calls=calls, amount_ore=amount, calls_over_45s=over)
        for tariff, (calls, amount, over) in sorted(totals.items())
    ]
    return BillingSummary(
        tenant_id=tenant_id, month=month, tariffs=tariffs, total_ore=sum(t.amount_ore for t in tariffs)
    )


def _cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula (=, +, -, @) is quoted with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def kronor_text(ore: int) -> str:
    """Öre as kronor with a decimal point and two decimals, exactly (no floating point): 2900 → 29.00."""
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}.{cents:02d}"


def lines_csv(lines: Sequence[Mapping[str, Any]], columns: Sequence[str] = CSV_COLUMNS) -> str:
    """The month's lines as CSV (RFC 4180, comma-separated, header row, CRLF), in `columns`
    (CSV_COLUMNS; the call log's are its own, telefonist.statistics.call_log)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for line in lines:
        row = {**line, "amount_sek": kronor_text(int(line["amount_ore"]))}
        writer.writerow([_cell(row.get(column)) if column != "amount_sek" else row[column] for column in columns])
    return out.getvalue()


class InMemoryBillingSummarySource:
    """Summaries or lines held in memory: the tests' source. A month with lines is summed from them."""

    def __init__(self, summaries: list[BillingSummary] | None = None, lines: Iterable[Mapping[str, Any]] = ()) -> None:
        self._summaries = {(s.tenant_id, s.month): s for s in summaries or []}
        self._lines: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for line in lines:
            self._lines.setdefault((str(line["tenant_id"]), str(line["month"])), []).append(dict(line))

    def add(self, summary: BillingSummary) -> None:
        self._summaries[(summary.tenant_id, summary.month)] = summary

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        if (tenant_id, month) in self._lines:
            return summarise(tenant_id, month, self._lines[(tenant_id, month)])
        return self._summaries.get((tenant_id, month)) or BillingSummary(tenant_id=tenant_id, month=month)

    def monthly_lines(self, tenant_id: str, month: str, max_lines: int) -> list[dict[str, Any]]:
        lines = self._lines.get((tenant_id, month), [])
        if len(lines) > max_lines:
            raise TooManyLines(len(lines))
        return sorted(lines, key=lambda line: str(line["answered_at"]))


def downloadable_lines(source: BillingSummarySource, tenant_id: str, month: str, field: str) -> list[dict[str, Any]]:
    """The month's lines for one download (the lines CSV, the call log) in answer order; past
    MAX_CSV_LINES a 400 naming `field` (the month) that says where such a month is read."""
    try:
        return source.monthly_lines(tenant_id, month, MAX_CSV_LINES)
    except TooManyLines as exc:
        raise InvalidInputError.of(
            field,
            f"the month has {exc.lines} lines, more than {MAX_CSV_LINES} in one download: "
            "finance exports it from the billing table (Athena)",
        ) from exc


class UnavailableBillingSummarySource:
    """Stands in until billing lines are wired: every read degrades to 'temporarily unavailable'."""

    def monthly_summary(self, tenant_id: str, month: str) -> BillingSummary:
        raise RepositoryError("billing summaries are not available yet")

    def monthly_lines(self, tenant_id: str, month: str, max_lines: int) -> list[dict[str, Any]]:
        raise RepositoryError("billing lines are not available yet")
