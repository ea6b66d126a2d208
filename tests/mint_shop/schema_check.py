"""Check a real API response against the OpenAPI document drf-spectacular makes of the code."""

import re
from functools import cache

from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def _json_schema(node):
    """OpenAPI 3.0's `nullable` in JSON Schema's words (null as a type, and as an enum value)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def _document() -> dict:
    return _json_schema(SchemaGenerator().get_schema(request=None, public=True))


def assert_matches_schema(response, method: str = "get") -> None:
    """The response's status is documented, and its body is what the schema says it is."""
    path = response.request["PATH_INFO"]
    responses = _document()["paths"][_template(path)][method.lower()]["responses"]
    documented = responses.get(str(response.status_code))
    assert documented is not None, f"{method.upper()} {path}: {response.status_code} is not documented"
    content = documented.get("content", {})
    media = response["Content-Type"].split(";")[0]
    assert media in content, f"{method.upper()} {path}: {media} is not documented (only {sorted(content)})"
    if media != "application/json":
        return
    document = _document()
    registry = Registry().with_resource("urn:mint", Resource(contents=document, specification=DRAFT202012))
    schema = {"$ref": "urn:mint#/" + "/".join(["paths", _escape(_template(path)), method.lower(), "responses",
                                               str(response.status_code), "content", "application~1json", "schema"])}
    validator = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, f"{method.upper()} {path}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def _template(path: str) -> str:
    for template in _document()["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return template
    raise AssertionError(f"{path} is not in the schema")


def _escape(pointer_part: str) -> str:
    return pointer_part.replace("~", "~0").replace("/", "~1")
