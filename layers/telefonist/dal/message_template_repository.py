"""Message templates in the customer table: one per customer and one per common number.

Items: pk `TENANT#<tenant>`, sk `MSGTPL##CUSTOMER` or `MSGTPL#<common number id>`, entity
`message_template`, versioned like the other aggregates (`item_version`: a write names the
version it read, 0 to create; a stale one is a ConflictError). They sort between `COMMON#` and
`OFFICE#` and are left out of the configuration query by its entity filter.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from pydantic import ValidationError

from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import translate_client_error
from telefonist.notify.templates import MessageTemplate, TemplateScope
from telefonist.ports.store import CorruptItemError, RepositoryError, Versioned


def _what(scope: str | None) -> str:
    return f"the message template of common number {scope}" if scope else "the customer's message template"


class MessageTemplateRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put_template(self, tenant_id: str, scope: TemplateScope, expected_version: int | None = None) -> int:
        """Create or replace the template of a customer or one of its common numbers (1 round trip).

        `expected_version` None writes whatever is stored; 0 requires that none is; n requires version n.
        Returns the new version.
        """
        kwargs: dict[str, Any] = {
            "Key": {"pk": keys.tenant_pk(tenant_id), "sk": keys.message_template_sk(scope.common_number_id)},
            "UpdateExpression": "SET entity = :e, item_updated_at = :at, common_number_id = :c, #t = :t, "
            "item_version = if_not_exists(item_version, :zero) + :one",
            "ExpressionAttributeNames": {"#t": "template"},
            "ExpressionAttributeValues": {
                ":e": "message_template",
                ":at": utc_now().isoformat(),
                ":c": scope.common_number_id,
                ":t": scope.template.model_dump(mode="json"),
                ":zero": 0,
                ":one": 1,
            },
            "ReturnValues": "UPDATED_NEW",
        }
        if expected_version == 0:
            kwargs["ConditionExpression"] = Attr("pk").not_exists()
        elif expected_version is not None:
            kwargs["ConditionExpression"] = Attr("item_version").eq(expected_version)
        try:
            response = self._table.update_item(**kwargs)
        except ClientError as exc:
            raise translate_client_error(exc, _what(scope.common_number_id), expected_version=expected_version) from exc
        return int(response["Attributes"]["item_version"])

    def delete_template(self, tenant_id: str, common_number_id: str | None, expected_version: int) -> None:
        """Remove a template at the version read (a common number then follows the customer's)."""
        try:
            self._table.delete_item(
                Key={"pk": keys.tenant_pk(tenant_id), "sk": keys.message_template_sk(common_number_id)},
                ConditionExpression=Attr("item_version").eq(expected_version),
            )
        except ClientError as exc:
            raise translate_client_error(exc, _what(common_number_id), expected_version=expected_version) from exc

    def load_versioned(self, tenant_id: str) -> list[Versioned[TemplateScope]]:
        """Every message template of a customer with its version (1 round trip; a customer has a handful)."""
        condition = Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with(keys.MESSAGE_TEMPLATE_PREFIX)
        try:
            items = self._table.query(KeyConditionExpression=condition).get("Items", [])
        except ClientError as exc:
            raise RepositoryError(f"data store error on message templates of {tenant_id}") from exc
        try:
            return [
                Versioned(
                    TemplateScope(
                        common_number_id=item.get("common_number_id"),
                        template=MessageTemplate.model_validate(item["template"]),
                    ),
                    int(item.get("item_version", 1)),
                )
                for item in items
            ]
        except ValidationError as exc:
            raise CorruptItemError(f"stored message template is invalid: {exc.error_count()} error(s)") from exc

    def load_templates(self, tenant_id: str) -> list[TemplateScope]:
        """Every message template of a customer (what notify resolves a message's template from)."""
        return [versioned.model for versioned in self.load_versioned(tenant_id)]
