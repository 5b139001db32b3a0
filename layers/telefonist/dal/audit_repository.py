"""A customer's audit trail: entries `AUDIT#<iso>#<id>` in the tenant's partition, newest first."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.customer_table import CustomerTable
from telefonist.models.audit import AuditEntry
from telefonist.ports.store import Page


class AuditRepository(CustomerTable):
    """Append-only audit entries; read newest first, whole or a page at a time."""

    def put_audit_entry(self, tenant_id: str, entry: AuditEntry) -> None:
        """Append an audit entry to the tenant's partition (`AUDIT#<iso>#<id>`, 1 round trip)."""
        sk = keys.audit_sk(entry.at.isoformat(), entry.entry_id)
        self._put(keys.tenant_pk(tenant_id), sk, "audit", entry.model_dump(mode="json"), 0)

    def list_audit_entries(self, tenant_id: str, limit: int = 50) -> list[AuditEntry]:
        """The tenant's newest audit entries first (1 round trip for up to `limit` entries)."""
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id))
            & Key("sk").begins_with(keys.AUDIT_PREFIX),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        try:
            items = self._table.query(**query).get("Items", [])
        except ClientError as exc:
            raise self._translate(exc, "audit trail") from exc
        return [self._parse(AuditEntry, item, "audit entry").model for item in items]

    def page_audit_entries(self, tenant_id: str, limit: int, after: str | None) -> Page[AuditEntry]:
        """Audit entries, newest first."""
        items, more = self._page(tenant_id, keys.AUDIT_PREFIX, limit, after, newest_first=True)
        return Page([(i["sk"], self._parse(AuditEntry, i, "audit entry").model) for i in items], more)
