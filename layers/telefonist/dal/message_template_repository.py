"""Message templates in the customer table: one per customer and one per common number.

Items: pk `TENANT#<tenant>`, sk `MSGTPL##CUSTOMER` or `MSGTPL#<common number id>`, entity
`message_template`. They sort between `COMMON#` and `OFFICE#` and are left out of the
configuration query by its entity filter.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from pydantic import ValidationError

from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import CorruptItemError, RepositoryError
from telefonist.notify.templates import MessageTemplate, TemplateScope


class MessageTemplateRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def put_template(self, tenant_id: str, scope: TemplateScope) -> None:
        """Create or replace the template of a customer or one of its common numbers (1 round trip)."""
        item = {
            "pk": keys.tenant_pk(tenant_id),
            "sk": keys.message_template_sk(scope.common_number_id),
            "entity": "message_template",
            "item_updated_at": utc_now().isoformat(),
            "common_number_id": scope.common_number_id,
            "template": scope.template.model_dump(mode="json"),
        }
        try:
            self._table.put_item(Item=item)
        except ClientError as exc:
            raise RepositoryError(f"data store error on message template of {tenant_id}") from exc

    def load_templates(self, tenant_id: str) -> list[TemplateScope]:
        """Every message template of a customer (1 round trip; a customer has a handful)."""
        condition = Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with(keys.MESSAGE_TEMPLATE_PREFIX)
        try:
            items = self._table.query(KeyConditionExpression=condition).get("Items", [])
        except ClientError as exc:
            raise RepositoryError(f"data store error on message templates of {tenant_id}") from exc
        try:
            return [
                TemplateScope(
                    common_number_id=item.get("common_number_id"),
                    template=MessageTemplate.model_validate(item["template"]),
                )
                for item in items
            ]
        except ValidationError as exc:
            raise CorruptItemError(f"stored message template is invalid: {exc.error_count()} error(s)") from exc
