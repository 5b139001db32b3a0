"""S3 for rating: the raw CTR archive, the quarantine, and the former one-object-per-line layout.

Layouts (keys inside each bucket):
- billing: the Iceberg table's `lines/data/` and `lines/metadata/` (telefonist.dal.billing_table);
  the former layout, `lines/month=YYYY-MM/tenant_id=<t>/<contact_id>.parquet`, is read here only
  to migrate it (`telefonist migrate-lines`);
- archive: `ctr/day=YYYY-MM-DD/<shard>/<first seq>-<last seq>.jsonl.gz`, one batch per object,
  the day being the UTC arrival day of the batch's first record; every record base64, untouched;
- quarantine: `quarantine/day=YYYY-MM-DD/<shard>/<seq>.json`: reason, position, the whole record.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.ports.store import RepositoryError
from telefonist.rating.line import LINES_PREFIX
from telefonist.rating.service import ReceivedRecord

if TYPE_CHECKING:
    import pyarrow as pa

ARCHIVE_PREFIX = "ctr/"
QUARANTINE_PREFIX = "quarantine/"
_LEGACY_KEY = re.compile(r"^lines/month=\d{4}-\d{2}/tenant_id=[^/]+/[^/]+\.parquet$")


def _list_keys(s3: Any, bucket: str, prefix: str) -> Iterator[str]:
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield obj["Key"]
    except ClientError as exc:
        raise RepositoryError(f"cannot list s3://{bucket}/{prefix}") from exc


class LegacyLineObjects:
    """The former layout of the billing bucket (one Parquet object per contact), for the migration."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def keys(self, prefix: str = LINES_PREFIX) -> Iterator[str]:
        """Keys of one-line objects (`lines/month=…/tenant_id=…/<id>.parquet`), not the table's files."""
        return (key for key in _list_keys(self._s3, self._bucket, prefix) if _LEGACY_KEY.match(key))

    def read(self, key: str) -> pa.Table:
        import pyarrow.parquet as pq  # the migration only: not on the rating function's import

        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as exc:
            raise RepositoryError(f"cannot read billing line {key}") from exc
        return pq.read_table(io.BytesIO(body))

    def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):
            chunk = [{"Key": key} for key in keys[start : start + 1000]]
            try:
                self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": chunk, "Quiet": True})
            except ClientError as exc:
                raise RepositoryError("cannot delete migrated billing lines") from exc


class CtrArchive:
    """The raw CTRs as received, one gzip JSON-lines object per batch, by UTC arrival day."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    @staticmethod
    def day_prefix(day: date) -> str:
        return f"{ARCHIVE_PREFIX}day={day.isoformat()}/"

    def archive(self, records: Sequence[ReceivedRecord]) -> str | None:
        if not records:
            return None
        first, last = records[0], records[-1]
        key = (
            f"{self.day_prefix(first.arrival.date())}{first.shard_id}/"
            f"{first.sequence_number}-{last.sequence_number}.jsonl.gz"
        )
        body = "\n".join(json.dumps(r.to_archive()) for r in records).encode()
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=gzip.compress(body))
        except ClientError as exc:
            raise RepositoryError(f"cannot archive batch {key}") from exc
        return key

    def keys_for_days(self, days: Sequence[date]) -> list[str]:
        return [key for day in days for key in _list_keys(self._s3, self._bucket, self.day_prefix(day))]

    def read(self, key: str) -> list[ReceivedRecord]:
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as exc:
            raise RepositoryError(f"cannot read archive {key}") from exc
        text = gzip.decompress(body).decode()
        return [ReceivedRecord.from_archive(json.loads(line)) for line in text.splitlines() if line]


class QuarantineStore:
    """Bad records, whole, with their reason and stream position."""

    def __init__(self, s3: Any, bucket: str, clock: Callable[[], datetime] = utc_now) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._clock = clock

    def quarantine(self, record: ReceivedRecord, reason: str) -> str:
        day = record.arrival.date().isoformat()
        key = f"{QUARANTINE_PREFIX}day={day}/{record.shard_id}/{record.sequence_number}.json"
        body: dict[str, Any] = {
            "reason": reason,
            "quarantined_at": self._clock().isoformat(),
            **record.to_archive(),
        }
        try:
            body["data_text"] = record.data.decode("utf-8")
        except UnicodeDecodeError:
            body["data_text"] = None
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=json.dumps(body, ensure_ascii=False).encode(),
                ContentType="application/json",
            )
        except ClientError as exc:
            raise RepositoryError(f"cannot quarantine record {record.sequence_number}") from exc
        return key

    def items(self) -> list[dict[str, Any]]:
        """Every quarantined record (tests, operations)."""
        found = []
        for key in _list_keys(self._s3, self._bucket, QUARANTINE_PREFIX):
            try:
                found.append(json.loads(self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()))
            except ClientError as exc:
                raise RepositoryError(f"cannot read quarantined record {key}") from exc
        return found
