"""What the OpenAPI document says about a view: its schemas and answers, attached by `documented`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from marshmallow import Schema

# Answers every authenticated route may give besides its own.
AUTH_ERRORS = (401,)
# Answers any route may give: 400 for NUL characters in the path or query (input_guard), 503 while the
# database cannot be reached.
EVERY_ROUTE_ERRORS = (400, 503)


@dataclass(frozen=True)
class ApiDoc:
    status: int = 200
    response: type[Schema] | None = None
    body: type[Schema] | None = None
    body_required: bool = True
    query: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False


def documented(*, status: int = 200, response: type[Schema] | None = None, body: type[Schema] | None = None,
               body_required: bool = True, query: type[Schema] | None = None, errors: tuple[int, ...] = (),
               public: bool = False) -> Callable:
    """Attach an ApiDoc to a view (put it right under the route decorator); summary = the docstring."""

    def mark(view):
        view.api_doc = ApiDoc(status, response, body, body_required, query, tuple(errors), public)
        return view

    return mark
