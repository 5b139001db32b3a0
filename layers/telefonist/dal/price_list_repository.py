"""The price lists (`PRICELIST`): one item per version, valid from a date."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from telefonist.dal import keys
from telefonist.dal.customer_table import CustomerTable
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.ports.store import NotFoundError


class PriceListRepository(CustomerTable):
    """Price-list versions; the price book is all of them (1 round trip)."""

    def put_price_list(self, price_list: PriceList) -> None:
        sk = keys.price_list_sk(price_list.valid_from.isoformat())
        self._put(keys.PRICE_LIST_PK, sk, "price_list", price_list.model_dump(mode="json"), None)

    def load_price_book(self) -> PriceBook:
        """Every price-list version (1 round trip); NotFoundError when none is stored."""
        items = list(self._query(KeyConditionExpression=Key("pk").eq(keys.PRICE_LIST_PK)))
        if not items:
            raise NotFoundError("no price list stored")
        return PriceBook(versions=[self._parse(PriceList, i, "price list").model for i in items])
