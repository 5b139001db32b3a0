"""Bulk import of a directory from CSV: every row is checked on its own and reported.

Columns (header row, UTF-8, comma or semicolon separated): person_id, first_name, last_name,
and optionally title, department, work_phone, mobile_phone, email, keywords (separated by `|`),
message_preference (sms, email, both). A row that fails is reported with the fields at fault;
the other rows are imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from telefonist.edge.errors import FieldError, InvalidInputError, field_errors
from telefonist.models.directory import Person

REQUIRED_COLUMNS = ("person_id", "first_name", "last_name")
OPTIONAL_COLUMNS = (
    "title",
    "department",
    "work_phone",
    "mobile_phone",
    "email",
    "keywords",
    "message_preference",
)
MAX_ROWS = 2000
PHONE_COLUMNS = {"work_phone": "work", "mobile_phone": "mobile"}


@dataclass(frozen=True)
class ParsedRow:
    row: int
    person_id: str | None
    person: Person | None
    errors: list[FieldError] = field(default_factory=list)


def parse_people_csv(text: str) -> list[ParsedRow]:
    """Parse and validate every row; InvalidInputError (field `csv`) when the file itself is unusable."""
    # Universal newlines: CR-only (old Mac exports), LF and CRLF files all read line by line.
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInputError.of("csv", f"line {reader.line_num or 1}: {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        problems = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        )
        raise InvalidInputError.of("csv", "; ".join(problems))
    reader.fieldnames = header
    rows: list[ParsedRow] = []
    seen: set[str] = set()
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise InvalidInputError.of("csv", f"more than {MAX_ROWS} rows: split the file")
            line = reader.line_num
            if None in record:
                rows.append(ParsedRow(line, None, None, [FieldError("row", "more values than columns")]))
                continue
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            if not any(values.values()):
                continue  # blank line
            parsed = _parse_row(line, values)
            if parsed.person_id and parsed.person_id in seen and not parsed.errors:
                parsed = ParsedRow(line, parsed.person_id, None, [FieldError("person_id", "duplicate in this file")])
            if parsed.person_id:
                seen.add(parsed.person_id)
            rows.append(parsed)
    except csv.Error as exc:
        raise InvalidInputError.of("csv", f"line {reader.line_num}: {exc}") from exc
    if not rows:
        raise InvalidInputError.of("csv", "no rows after the header")
    return rows


def _parse_row(line: int, values: dict[str, str]) -> ParsedRow:
    person_id = values.get("person_id") or None
    data: dict[str, Any] = {
        "person_id": values.get("person_id", ""),
        "first_name": values.get("first_name", ""),
        "last_name": values.get("last_name", ""),
        "title": values.get("title", ""),
        "department": values.get("department", ""),
        "phones": [
            {"kind": kind, "number": values[column]} for column, kind in PHONE_COLUMNS.items() if values.get(column)
        ],
        "email": values.get("email") or None,
        "keywords": [k.strip() for k in values.get("keywords", "").split("|") if k.strip()],
    }
    if values.get("message_preference"):
        data["message_preference"] = values["message_preference"].lower()
    try:
        return ParsedRow(line, person_id, Person.model_validate(data))
    except ValidationError as exc:
        errors = field_errors(exc.errors(include_input=False))
        # Report phone errors by the CSV column, not by the model's list position.
        phone_columns = [c for c in PHONE_COLUMNS if values.get(c)]
        for index, error in enumerate(errors):
            parts = error.field.split(".")
            if parts[0] == "phones" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(phone_columns):
                errors[index] = FieldError(phone_columns[int(parts[1])], error.message)
        return ParsedRow(line, person_id, None, errors)
