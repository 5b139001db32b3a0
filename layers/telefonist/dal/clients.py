"""boto3 clients created when first called, for what a function's first request may not need.

Creating a client costs a cold start 0.01-0.05 s of CPU beyond the first (its service model, endpoint
rules and method table: KMS ~0.01-0.03 s, Connect ~0.045 s; benchmarks/cold_start.py, README
"Cold-start decisions"). A function whose routes use a service on some requests only (transfer's
caller-history key, notify's queue on a submit but not on the message form) hands its adapter a
`LazyClient`: the same client of boto3's default session, created on the first call and kept for
the container's life. Nothing else changes: the same credentials, region, configuration and errors.
"""

from __future__ import annotations

import threading
from typing import Any


class LazyClient:
    """`boto3.client(service, **kwargs)`, created on the first attribute read (a call, `meta`, `exceptions`)."""

    def __init__(self, service: str, **kwargs: Any) -> None:
        self._service = service
        self._kwargs = kwargs
        self._client: Any = None
        self._lock = threading.Lock()  # boto3's default session is not safe to create clients from two threads

    @property
    def created(self) -> bool:
        return self._client is not None

    def __getattr__(self, name: str) -> Any:
        # Only attributes this class lacks reach here: everything else is the client's.
        if name in ("_service", "_kwargs", "_client", "_lock"):  # not yet set (a copy being made)
            raise AttributeError(name)
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    import boto3

                    self._client = boto3.client(self._service, **self._kwargs)  # type: ignore[call-overload]
                client = self._client
        return getattr(client, name)

    def __repr__(self) -> str:
        return f"LazyClient({self._service!r}, created={self.created})"
