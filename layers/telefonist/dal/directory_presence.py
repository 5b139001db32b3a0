"""Which people of a customer's directory still exist: keys only, for the statistics consumer.

A CTR version can arrive long after its call (Kinesis redelivery, a late update of the contact, a
replay from the archive). A contact event must not name a person who has since left the directory
or been erased (issue 20), so the consumer asks here before it writes: one BatchGetItem of the
person items' keys per 100 people, consistent reads, nothing but `pk` and `sk` projected (its role
may read no other attribute: infra/constructs/contact_stats_construct.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telefonist.dal import keys
from telefonist.dal.batch_get import batch_get_all

TENANT_PREFIX = keys.tenant_pk("")
PERSON_PREFIX = keys.person_sk("")


class DirectoryPresence:
    def __init__(self, customer_table: Any) -> None:
        self._table = customer_table

    def present(self, people: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (tenant id, person id) pairs among `people` whose person item exists."""
        wanted = [{"pk": keys.tenant_pk(t), "sk": keys.person_sk(p)} for t, p in dict.fromkeys(people)]
        items = batch_get_all(self._table, wanted, "people of the directory", ProjectionExpression="pk, sk")
        return {(str(i["pk"]).removeprefix(TENANT_PREFIX), str(i["sk"]).removeprefix(PERSON_PREFIX)) for i in items}
