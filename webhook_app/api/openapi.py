"""GET /api/v1/openapi.json: an OpenAPI 3 document of every /api/v1 route, built from the app's url_map."""

from __future__ import annotations

import inspect
import re
from http import HTTPStatus
from importlib import metadata

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask, current_app, jsonify

from webhook_app.api.docs import AUTH_ERRORS, EVERY_ROUTE_ERRORS, ApiDoc, documented
from webhook_app.schemas.integration import CREDENTIAL_SCHEMAS, credentials_component
from webhook_app.schemas.strict import ErrorSchema
from webhook_app.security import MachineBlueprint

API_PREFIX = "/api/v1/"
OPENAPI_VERSION = "3.0.3"
SECURITY = "companyToken"
_IGNORED_METHODS = {"HEAD", "OPTIONS"}
_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
_TYPES = {"int": {"type": "integer"}, "float": {"type": "number"}, "uuid": {"type": "string", "format": "uuid"}}
_DESCRIPTION = ("hrsync's admin API. Send the company API token (printed by `hrsync company create`) as "
                "`Authorization: Bearer <token>`; a token only ever sees its own company. Errors are "
                '`{"error": {"code", "message"}}`.')

bp = MachineBlueprint("openapi", __name__)


@bp.get("/api/v1/openapi.json")
@documented(public=True)
def openapi_document():
    """This document: every /api/v1 route with its schemas (OpenAPI 3, no token needed)."""
    document = current_app.extensions.get("hrsync.openapi")
    if document is None:
        document = current_app.extensions["hrsync.openapi"] = build_document(current_app)
    return jsonify(document)


def build_document(app: Flask, server_url: str | None = None) -> dict:
    """The OpenAPI document of `app`: routes from its url_map, answers from `documented` or docstring YAML."""
    spec = APISpec(title="hrsync API", version=_version(), openapi_version=OPENAPI_VERSION,
                   plugins=[MarshmallowPlugin()], info={"description": _DESCRIPTION},
                   servers=[{"url": server_url or app.extensions["hrsync.services"].settings.public_base_url}])
    spec.components.security_scheme(SECURITY, {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    for name, schema in CREDENTIAL_SCHEMAS.items():
        spec.components.schema(credentials_component(name), schema=schema)
    for path, (parameters, operations) in sorted(api_paths(app).items()):
        spec.path(path=path, operations=operations, parameters=parameters)
    return spec.to_dict()


def api_paths(app: Flask) -> dict[str, tuple[list, dict]]:
    """OpenAPI path → (path parameters, {method: operation}) for every rule under /api/v1/."""
    paths: dict[str, tuple[list, dict]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        path, parameters = openapi_path(rule.rule)
        operations = paths.setdefault(path, (parameters, {}))[1]
        methods = sorted(set(rule.methods or ()) - _IGNORED_METHODS)
        from_yaml = load_operations_from_docstring(view.__doc__ or "")
        for method in methods:
            operation = from_yaml.get(method.lower()) or _operation(view, getattr(view, "api_doc", None))
            operation.setdefault("operationId", _operation_id(rule.endpoint, method, len(methods)))
            operation.setdefault("tags", [path.removeprefix(API_PREFIX).split("/")[0]])
            operations[method.lower()] = operation
    return paths


def openapi_path(rule: str) -> tuple[str, list[dict]]:
    """`/x/<int:id>` → (`/x/{id}`, the parameter declarations)."""
    parameters = [{"in": "path", "name": m["name"], "required": True,
                   "schema": dict(_TYPES.get(m["converter"] or "", {"type": "string"}))}
                  for m in _ARGUMENT.finditer(rule)]
    return _ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def _operation(view, doc: ApiDoc | None) -> dict:
    summary, description = _docstring(view)
    operation: dict = {"summary": summary}
    if description:
        operation["description"] = description
    if doc is None:
        # A view nobody described: still listed, with the shapes every route shares.
        operation["responses"] = {"2XX": {"description": "success (JSON)"}, "401": _error("Unauthorized"),
                                  "default": _error("error")}
        operation["security"] = [{SECURITY: []}]
        return operation
    if not doc.public:
        operation["security"] = [{SECURITY: []}]
    if doc.query is not None:
        operation["parameters"] = [{"in": "query", "schema": doc.query}]
    if doc.body is not None:
        operation["requestBody"] = {"required": doc.body_required,
                                    "content": {"application/json": {"schema": doc.body}}}
    operation["responses"] = _responses(doc)
    return operation


def _responses(doc: ApiDoc) -> dict:
    success: dict = {"description": HTTPStatus(doc.status).phrase}
    if doc.response is not None:
        success["content"] = {"application/json": {"schema": doc.response}}
    elif doc.status != 204:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    responses = {str(doc.status): success}
    errors = (*EVERY_ROUTE_ERRORS, *(() if doc.public else AUTH_ERRORS), *doc.errors)
    for code in sorted(set(errors)):
        responses[str(code)] = _error(HTTPStatus(code).phrase)
    return responses


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


def _docstring(view) -> tuple[str, str]:
    text = inspect.cleandoc(view.__doc__ or "").split("---", 1)[0].strip()
    summary, _, rest = text.partition("\n")
    return summary.strip() or view.__name__.replace("_", " "), rest.strip()


def _operation_id(endpoint: str, method: str, method_count: int) -> str:
    base = endpoint.replace(".", "_")
    return f"{base}_{method.lower()}" if method_count > 1 else base


def _version() -> str:
    try:
        return metadata.version("hrsync")
    except metadata.PackageNotFoundError:
        return "0"
