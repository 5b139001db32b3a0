"""How an API function's routes reach its dependencies: set around each request, read by the route.

A function's `handle(event, deps)` serves the event with its resolver while `deps` are provided
(`resolve_with`); a route reads them with `deps_of(Dependencies)`. Tests call `handle` with
Dependencies of fakes; `telefonist serve`, which serves every function's routes from one resolver,
provides each function's own with `provide_each_request` (a Powertools middleware). The key is the
Dependencies class, so functions never collide.

Why a context variable and not Powertools' `append_context`: a Router's `context` is that of the last
resolver that included it, and `serve` includes every function's router in a second resolver, so in
one process a route could read the other resolver's context. The variable is set and reset around
the request by whichever resolver serves it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

DepsT = TypeVar("DepsT")
# Lambda's context reaches the logger through the handler's decorator; no route reads it.
NO_LAMBDA_CONTEXT = cast(LambdaContext, None)
_PROVIDED: ContextVar[Mapping[type, object]] = ContextVar("telefonist_dependencies", default={})  # noqa: B039 - never mutated


@contextmanager
def _providing(provided: Mapping[type, object]) -> Iterator[None]:
    token = _PROVIDED.set(provided)
    try:
        yield
    finally:
        _PROVIDED.reset(token)


def resolve_with(app: APIGatewayRestResolver, deps: object, event: dict[str, Any]) -> dict[str, Any]:
    """Serve `event` with `app`, its routes reading `deps`."""
    with _providing({type(deps): deps}):
        return app.resolve(event, NO_LAMBDA_CONTEXT)


def deps_of(kind: type[DepsT]) -> DepsT:
    """The `kind` dependencies of the request being served."""
    try:
        return cast(DepsT, _PROVIDED.get()[kind])
    except KeyError:
        raise LookupError(f"no {kind.__qualname__} provided: serve the request with resolve_with") from None


def provide_each_request(app: APIGatewayRestResolver, provided: Mapping[type, object]) -> None:
    """Provide each request's route with `provided` (Dependencies class -> its instance; a mapping
    may build them on first use), for one resolver serving several functions' routes."""

    def provide(resolver: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Any:
        with _providing(provided):
            return next_middleware(resolver)

    app.use([provide])
