"""JSON Schemas of the corpus files, generated from the pydantic models, for editors.

The shipped files `data/schema/source.schema.json`, `topics.schema.json` and `links.schema.json`
are the output of `positions schema source|topics|links`; a test keeps them in step.
Editors with the YAML language server pick them up from each file's first line:
`# yaml-language-server: $schema=../schema/source.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("source", "topics", "links")
_ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SCHEMA_DIR = "schema"
_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a source file ("source"), topics.yaml ("topics") or links.yaml ("links")."""
    from positions.models import LinksFile, SourceFile, TopicsFile

    if kind not in KINDS:
        from positions.errors import UsageError, unknown_name_message

        raise UsageError(unknown_name_message("schema", kind, list(KINDS)))
    models: dict[str, type[BaseModel]] = {"source": SourceFile, "topics": TopicsFile, "links": LinksFile}
    model = models[kind]
    body = model.model_json_schema()
    if kind == "source":
        _tighten_source(body)
    if kind == "links":
        _tighten_links(body)
    title = body.pop("title", None) or f"positions {kind} file"
    head = {
        "$schema": DRAFT,
        "$id": f"urn:positions:schema:{kind}",
        "title": title,
    }
    return {**head, **body}


def _tighten_source(body: dict[str, Any]) -> None:
    """What the models check in code and the schema should say too: the date's shape."""
    date = body.get("properties", {}).get("date", {})
    for branch in date.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = _DATE_PATTERN


def _tighten_links(body: dict[str, Any]) -> None:
    """The link date is a full ISO date; a bare `links:` (null) loads as an empty list."""
    date = body.get("$defs", {}).get("Link", {}).get("properties", {}).get("date", {})
    for branch in date.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = _ISO_DATE_PATTERN
    links = body.get("properties", {}).get("links")
    if links is not None:
        outer = ("default", "description", "title")
        body["properties"]["links"] = {"anyOf": [{k: v for k, v in links.items() if k not in outer}, {"type": "null"}],
                                       **{k: links[k] for k in outer if k in links}}


def schema_json(kind: str) -> str:
    """The schema as the text `positions schema KIND` prints and the shipped files hold."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def write_schemas(root: Path) -> list[Path]:
    """Write every schema to ROOT/schema/ (atomically); return the paths written."""
    from positions.safe_write import write_atomic

    written = []
    for kind in KINDS:
        path = root / SCHEMA_DIR / schema_filename(kind)
        write_atomic(path, schema_json(kind).encode("utf-8"))
        written.append(path)
    return written
