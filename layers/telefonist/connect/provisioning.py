"""A number per customer: search, claim, wait until CLAIMED, route to the inbound flow, record it.

Claiming is asynchronous in Amazon Connect (IN_PROGRESS → CLAIMED or FAILED) and a claimed number
costs money from the moment it is claimed, so every failure after the claim releases the number
again before the error is raised. Released numbers cool down for up to 180 days in Connect; a
number is therefore never released merely to retry.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from telefonist.clock import utc_now
from telefonist.dal.connect_numbers import ConnectApiError, ConnectNumbers
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.tenant import ClaimedNumber
from telefonist.observability import logger, mask_phone_number
from telefonist.ports.store import NotFoundError, RepositoryError

DEFAULT_COUNTRY: Final = "SE"
NUMBER_TYPES: Final = ("DID", "TOLL_FREE")
_TOKEN_NAMESPACE: Final = uuid.UUID("6f1c2b8e-6c2d-4a55-9a53-7e1e0b8f4a10")


class ProvisioningError(Exception):
    """Provisioning could not complete; the message says why and what was undone."""


class NoNumberAvailable(ProvisioningError):
    pass


class ClaimFailed(ProvisioningError):
    pass


@dataclass(frozen=True)
class ProvisioningSettings:
    """Where numbers come from and which flow answers them; polling is bounded."""

    inbound_flow_id: str  # id or ARN of the inbound contact flow
    country: str = DEFAULT_COUNTRY
    number_type: str = "DID"
    prefix: str | None = None
    poll_interval_seconds: float = 2.0
    claim_timeout_seconds: float = 120.0

    def __post_init__(self) -> None:
        if self.number_type not in NUMBER_TYPES:
            raise ValueError(f"number_type must be one of {', '.join(NUMBER_TYPES)}, not {self.number_type!r}")
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValueError(f"country must be an ISO 3166 alpha-2 code such as SE, not {self.country!r}")

    @property
    def flow_id(self) -> str:
        return self.inbound_flow_id.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ProvisionedNumber:
    tenant_id: str
    common_number_id: str
    phone_number: str
    phone_number_id: str
    phone_number_arn: str


class NumberProvisioner:
    """Claims and releases the customers' numbers; Connect and the store are injected."""

    def __init__(
        self,
        numbers: ConnectNumbers,
        repository: CustomerRepository,
        settings: ProvisioningSettings,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._numbers = numbers
        self._repo = repository
        self._settings = settings
        self._sleep = sleep
        self._monotonic = monotonic
        self._now = now

    def provision(self, tenant_id: str, common_number_id: str) -> ProvisionedNumber:
        """Claim a number for a tenant's common number and route it; undo the claim on any failure."""
        config = self._repo.load_configuration(tenant_id)  # NotFoundError for an unknown tenant
        if common_number_id not in {c.model.common_number_id for c in config.common_numbers}:
            raise NotFoundError(f"common number {common_number_id} of tenant {tenant_id} not found")
        try:
            candidates = self._numbers.search_available(
                self._settings.country, self._settings.number_type, self._settings.prefix
            )
        except ConnectApiError as exc:
            raise ProvisioningError(f"searching for a number failed: {exc}") from exc
        if not candidates:
            raise NoNumberAvailable(
                f"no {self._settings.number_type} number available in {self._settings.country}"
                + (f" with prefix {self._settings.prefix}" if self._settings.prefix else "")
            )
        phone_number = candidates[0]
        token = str(uuid.uuid5(_TOKEN_NAMESPACE, f"claim:{tenant_id}:{common_number_id}:{phone_number}"))
        try:
            claimed = self._numbers.claim(phone_number, f"telefonist {tenant_id}/{common_number_id}", token)
        except ConnectApiError as exc:
            raise ClaimFailed(f"claiming {mask_phone_number(phone_number)} failed: {exc}") from exc
        try:
            self._wait_until_claimed(claimed.phone_number_id)
            self._numbers.associate_flow(claimed.phone_number_id, self._settings.flow_id)
            self._record(tenant_id, common_number_id, phone_number, claimed.phone_number_id)
        except (ProvisioningError, ConnectApiError, RepositoryError) as exc:
            self._release_quietly(claimed.phone_number_id)
            if isinstance(exc, ProvisioningError):
                raise
            raise ProvisioningError(f"{exc}; the claimed number was released again") from exc
        logger.info(
            "number provisioned",
            extra={
                "tenant_id": tenant_id,
                "common_number_id": common_number_id,
                "number": mask_phone_number(phone_number),
            },
        )
        return ProvisionedNumber(
            tenant_id, common_number_id, phone_number, claimed.phone_number_id, claimed.phone_number_arn
        )

    def _wait_until_claimed(self, phone_number_id: str) -> None:
        deadline = self._monotonic() + self._settings.claim_timeout_seconds
        while True:
            status = self._numbers.status(phone_number_id)
            if status.status == "CLAIMED":
                return
            if status.status == "FAILED":
                raise ClaimFailed(f"Connect could not claim the number: {status.message or 'no reason given'}")
            if self._monotonic() + self._settings.poll_interval_seconds >= deadline:
                raise ClaimFailed(f"the claim was not CLAIMED within {self._settings.claim_timeout_seconds:.0f} s")
            self._sleep(self._settings.poll_interval_seconds)

    def _record(self, tenant_id: str, common_number_id: str, phone_number: str, phone_number_id: str) -> None:
        """Add the number to the tenant (optimistic concurrency) and materialise its route."""
        current = self._repo.get_tenant(tenant_id)
        tenant = current.model
        claimed = ClaimedNumber(
            phone_number=phone_number,
            common_number_id=common_number_id,
            connect_phone_number_id=phone_number_id,
            claimed_at=self._now(),
        )
        others = [n for n in tenant.claimed_numbers if n.phone_number != claimed.phone_number]
        self._repo.put_tenant(tenant.model_copy(update={"claimed_numbers": [*others, claimed]}), current.version)
        self._repo.rebuild_routes(tenant_id)

    def _release_quietly(self, phone_number_id: str) -> None:
        try:
            self._numbers.release(phone_number_id, str(uuid.uuid5(_TOKEN_NAMESPACE, f"release:{phone_number_id}")))
        except ConnectApiError as exc:
            # Leaves a paid number behind: loud, so an operator releases it by hand.
            logger.error(
                "releasing a claimed number failed", extra={"phone_number_id": phone_number_id, "error": str(exc)}
            )

    def release(self, tenant_id: str, phone_number: str) -> ClaimedNumber:
        """Offboard a number: stop routing it (route deleted, tenant updated), then release it in Connect."""
        current = self._repo.get_tenant(tenant_id)
        tenant = current.model
        claimed = next((n for n in tenant.claimed_numbers if n.phone_number == phone_number), None)
        if claimed is None:
            raise NotFoundError(f"number {mask_phone_number(phone_number)} is not claimed by tenant {tenant_id}")
        remaining = [n for n in tenant.claimed_numbers if n.phone_number != phone_number]
        self._repo.put_tenant(tenant.model_copy(update={"claimed_numbers": remaining}), current.version)
        with contextlib.suppress(NotFoundError):  # already gone: releasing is idempotent
            self._repo.delete_route(phone_number)
        if claimed.connect_phone_number_id:
            try:
                self._numbers.disassociate_flow(claimed.connect_phone_number_id)
                self._numbers.release(
                    claimed.connect_phone_number_id,
                    str(uuid.uuid5(_TOKEN_NAMESPACE, f"release:{claimed.connect_phone_number_id}")),
                )
            except ConnectApiError as exc:
                raise ProvisioningError(
                    f"the number no longer routes to {tenant_id}, but Connect did not release it: {exc}"
                ) from exc
        logger.info("number released", extra={"tenant_id": tenant_id, "number": mask_phone_number(phone_number)})
        return claimed
