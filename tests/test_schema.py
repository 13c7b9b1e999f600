"""JSON Schemas: `positions schema` output, the shipped files, and the shipped corpus against them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import SHIPPED_DATA


@pytest.mark.parametrize("kind", ["source", "topics", "links"])
def test_shipped_schema_files_are_current(invoke, kind: str) -> None:
    """data/schema/*.json must be exactly what `positions schema` prints (regenerate with
    `positions --data data schema --write`)."""
    r = invoke("schema", kind)
    assert r.exit_code == 0
    shipped = (SHIPPED_DATA / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert r.stdout == shipped
    doc = json.loads(r.stdout)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"urn:positions:schema:{kind}"
    assert doc["title"] == f"positions {kind} file"


def test_default_kind_and_unknown_kind(invoke) -> None:
    assert json.loads(invoke("schema").stdout)["$id"] == "urn:positions:schema:source"
    r = invoke("schema", "topic")
    assert r.exit_code == 2 and "unknown schema 'topic'; did you mean 'topics'?" in r.stderr


def test_schema_write(invoke, corpus_dir: Path) -> None:
    r = invoke("--data", corpus_dir, "schema", "--write")
    assert r.exit_code == 0
    for kind in ("source", "topics", "links"):
        assert (corpus_dir / "schema" / f"{kind}.schema.json").read_text() == invoke("schema", kind).stdout


def test_shipped_files_reference_the_schemas() -> None:
    assert (SHIPPED_DATA / "topics.yaml").read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=schema/topics.schema.json"
    for path in (SHIPPED_DATA / "sources").glob("*.yaml"):
        assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=../schema/source.schema.json"


# A structural validator for the JSON Schema subset pydantic emits here (jsonschema is not a
# dependency): type, properties, required, additionalProperties, items, enum, pattern, anyOf,
# $ref into $defs, minLength and maxLength.

_TYPES = {"object": dict, "array": list, "string": str, "null": type(None), "integer": int, "boolean": bool}


def _errors(value: Any, schema: dict, root: dict, where: str = "$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _errors(value, root["$defs"][name], root, where)
    if "anyOf" in schema:
        options = [_errors(value, s, root, where) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: matches no alternative: {options}"]
    errors = []
    kind = schema.get("type")
    if kind and not isinstance(value, _TYPES[kind]):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 10**9):
            errors.append(f"{where}: length {len(value)} out of bounds")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing {key}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += _errors(item, props[key], root, f"{where}.{key}")
            elif extra is False:
                errors.append(f"{where}: unexpected {key}")
            elif isinstance(extra, dict):
                errors += _errors(item, extra, root, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += _errors(item, schema["items"], root, f"{where}[{i}]")
    return errors


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_shipped_sources_validate_against_schema() -> None:
    from positions.schema import schema

    source_schema = schema("source")
    for path in sorted((SHIPPED_DATA / "sources").glob("*.yaml")):
        assert _errors(_load(path), source_schema, source_schema) == [], path.name
    topics_schema = schema("topics")
    assert _errors(_load(SHIPPED_DATA / "topics.yaml"), topics_schema, topics_schema) == []


def test_schema_rejects_what_the_loader_rejects() -> None:
    from positions.schema import schema

    s = schema("source")
    bad = {"name": "X", "date": "May 2019", "statements": [
        {"id": "Bad Id", "text": "t", "stances": {"a": "maybe"}, "stance": {}}]}
    errors = " ".join(_errors(bad, s, s))
    for expected in ("$.date", "'Bad Id'", "'maybe'", "unexpected stance"):
        assert expected in errors
    assert _errors({"statements": []}, s, s) == ["$: missing name"]


def test_new_source_scaffold_validates_against_schema(invoke, corpus_dir: Path) -> None:
    from positions.schema import schema

    r = invoke("--data", corpus_dir, "new-source", "fresh", "--name", "Fresh", "--date", "2021", "--author", "A")
    assert r.exit_code == 0, r.output
    s = schema("source")
    assert _errors(_load(corpus_dir / "sources" / "fresh.yaml"), s, s) == []


def test_links_schema_matches_the_loader(invoke, corpus_dir: Path) -> None:
    """A links.yaml written by `positions link` validates; the schema rejects what the model rejects."""
    from positions.schema import schema

    r = invoke("--data", corpus_dir, "link", "alliance/local-links", "moj/upw-visible", "--confirm",
               "--relation", "related", "--reason", "Both local.", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    s = schema("links")
    path = corpus_dir / "links.yaml"
    assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=schema/links.schema.json"
    assert _errors(_load(path), s, s) == []
    bad = {"links": [{"a": "alliance", "b": "moj/x", "decision": "maybe", "relation": "agreed", "date": "2024-5-1",
                      "colour": "red"}]}
    errors = " ".join(_errors(bad, s, s))
    for expected in ("'alliance' does not match", "'maybe' not in", "relation: matches no alternative",
                     "date: matches no alternative", "unexpected colour"):
        assert expected in errors
    assert "$.links[0]: missing decision" in " ".join(_errors({"links": [{"a": "a/x", "b": "b/y"}]}, s, s))
    assert _errors({"links": None}, s, s) == []
