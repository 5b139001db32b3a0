"""How an API function's routes reach its dependencies: the resolver's context, per request.

A function's `handle(event, deps)` puts its `Dependencies` in Powertools' request context
(`append_context`, cleared after every request) and resolves; a route reads them back with
`deps_of(router, Dependencies)`. Tests call `handle` with Dependencies of fakes; `telefonist serve`,
which serves every function's routes from one resolver, provides each function's own with
`provide_each_request`. The context key is the Dependencies class, so functions never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

DepsT = TypeVar("DepsT")
# Lambda's context reaches the logger through the handler's decorator; no route reads it.
NO_LAMBDA_CONTEXT = cast(LambdaContext, None)


def _key(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def resolve_with(app: APIGatewayRestResolver, deps: object, event: dict[str, Any]) -> dict[str, Any]:
    """Serve `event` with `app`, its routes reading `deps`."""
    app.append_context(**{_key(type(deps)): deps})  # type: ignore[no-untyped-call]  # Powertools' is untyped
    return app.resolve(event, NO_LAMBDA_CONTEXT)


def deps_of(router: Router | APIGatewayRestResolver, kind: type[DepsT]) -> DepsT:
    """The `kind` dependencies of the request being served."""
    return cast(DepsT, router.context[_key(kind)])


def provide_each_request(app: APIGatewayRestResolver, every: Callable[[], Iterable[object]]) -> None:
    """Before each request's route, put `every()`'s dependencies in the context (one resolver serving
    several functions' routes)."""

    def provide(resolver: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Any:
        resolver.append_context(**{_key(type(deps)): deps for deps in every()})  # type: ignore[no-untyped-call]
        return next_middleware(resolver)

    app.use([provide])
