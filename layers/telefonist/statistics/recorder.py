"""Recording statistics: a batch of CTRs to contact events, each contact's newest version once.

Apart from the read side (statistics.service), so that the CTR consumer's cold start loads neither
the API's edge nor its pydantic views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from telefonist.ports.store import RepositoryError
from telefonist.statistics.model import ContactEvent


class EventStore(Protocol):
    def record_many(self, events: Sequence[ContactEvent]) -> Sequence[Any]: ...


@dataclass
class BatchResult:
    recorded: int = 0  # events written (first or newer version)
    stale: int = 0  # redelivered or older versions: nothing written
    ignored: int = 0  # not an inbound contact of a customer, or not a CTR
    failed: list[int] = field(default_factory=list)  # indexes to retry (the store failed)


# Which (tenant id, person id) pairs are still in their customer's directory (DirectoryPresence).
PeoplePresent = Callable[[Iterable[tuple[str, str]]], set[tuple[str, str]]]


def only_present_people(events: Sequence[ContactEvent], present: PeoplePresent) -> list[ContactEvent]:
    """The events, each naming the person it was transferred to only while they are in the directory:
    a CTR version arriving after the person was erased (or removed) must not name them again. The
    transfer itself, and so every count, stays."""
    named = {(e.tenant_id, e.transferred_to_person) for e in events if e.transferred_to_person}
    if not named:
        return list(events)
    gone = named - present(named)
    return [
        replace(e, transferred_to_person=None) if (e.tenant_id, e.transferred_to_person) in gone else e for e in events
    ]


@dataclass
class StatisticsRecorder:
    store: EventStore
    resolve_tenant: Callable[[str], str | None]
    people_present: PeoplePresent | None = None

    def record_batch(self, records: Sequence[bytes | str | dict[str, Any]]) -> BatchResult:
        """Each contact's newest version in the batch, written exactly once; a store failure fails
        the batch's records of a customer contact (the event source retries them; redelivery is harmless)."""
        from telefonist.statistics.events import contact_event  # rating's CTR parser: not on the API's path

        result = BatchResult()
        newest: dict[str, tuple[ContactEvent, list[int]]] = {}
        for index, raw in enumerate(records):
            try:
                event = contact_event(raw, self.resolve_tenant)
            except RepositoryError:  # the routing lookup failed: retried by the event source
                result.failed.append(index)
                continue
            if event is None:
                result.ignored += 1
                continue
            held = newest.get(event.contact_id)
            if held is None:
                newest[event.contact_id] = (event, [index])
                continue
            result.stale += 1  # an older (or the same) version of a contact in this batch
            held[1].append(index)
            if event.version_us > held[0].version_us:
                newest[event.contact_id] = (event, held[1])
        events = [event for event, _ in newest.values()]
        try:
            if self.people_present is not None:
                events = only_present_people(events, self.people_present)
            outcomes = self.store.record_many(events)
        except RepositoryError:  # the store or the directory failed: retried by the event source
            result.failed.extend(i for _, indexes in newest.values() for i in indexes)
            result.failed.sort()
            return result
        for outcome in outcomes:
            if str(outcome) == "recorded":
                result.recorded += 1
            else:
                result.stale += 1
        return result
