"""Starting a corpus: copy one (`positions init`), or create an empty source file
(`positions new-source`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from positions.errors import FilesystemError, RefusedError, UsageError, display_path
from positions.ids import check_source_key
from positions.safe_write import Locked, write_file
from positions.yamlsplice import dump_yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/source.schema.json"


def source_text(key: str, fields: dict[str, Any]) -> str:
    """The YAML of a new, empty source file: schema line, header comment, fields, `statements: []`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    doc = CommentedMap()
    for name in ("name", "title", "date", "kind", "authors", "url"):
        value = fields.get(name)
        if value in (None, "", []):
            continue
        if name == "date":
            value = DQ(value)
        elif name == "authors":
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()
            value = seq
        doc[name] = value
    doc["statements"] = CommentedSeq()
    about = fields["name"] + (f": {fields['title']}" if fields.get("title") else "")
    about += f" ({fields['date']})" if fields.get("date") else ""
    header = [
        SCHEMA_LINE,
        f"# {' '.join(about.split())}.",
        f"# Add statements with: positions add {key} --text \"...\"  (see docs/corpus-format.md)",
    ]
    return "\n".join(header) + "\n" + dump_yaml(doc)


def check_source_fields(fields: dict[str, Any]) -> None:
    """Validate a new source's fields with the model; UsageError naming the option."""
    from positions.corpus import validated
    from positions.models import SourceFile

    validated(SourceFile, {**{k: v for k, v in fields.items() if v not in (None, [])}, "statements": []},
              lambda loc: "--author" if loc and loc[0] == "authors" else f"--{loc[0]}" if loc else "source")


def new_source(root: Path, key: str, fields: dict[str, Any], *, timeout: float | None = None) -> Path:
    """Create sources/KEY.yaml; RefusedError if the key is taken."""
    from positions.corpus import SOURCES_DIR, validate_source_text

    check_source_key(key)
    check_source_fields(fields)
    folder = root / SOURCES_DIR
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise FilesystemError(f"cannot create '{display_path(folder)}': {exc.strerror or exc}") from exc
    path = folder / f"{key}.yaml"
    text = source_text(key, fields)
    with Locked(path, timeout):
        for taken in (path, path.with_suffix(".yml")):
            if taken.exists():
                raise RefusedError(
                    f"source '{key}' already exists ({display_path(taken)}); choose another key, "
                    f"or add statements to it with 'positions add {key} --text ...'"
                )
        validate_source_text(text, path, None)
        write_file(path, text.encode("utf-8"))
    return path


def _corpus_files(root: Path) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to the corpus) for what `init` copies."""
    from positions.corpus import LINKS_FILE, SOURCES_DIR, TOPICS_FILE, inside

    for name in (TOPICS_FILE, LINKS_FILE):
        if (root / name).is_file() and inside(root, root / name):  # never copy in a file linked from outside
            yield root / name, Path(name)
    for folder, suffixes in ((SOURCES_DIR, (".yaml", ".yml")), ("schema", (".json",))):
        base = root / folder
        if base.is_dir():
            for p in sorted(base.iterdir()):
                if p.is_file() and p.suffix in suffixes and not p.name.startswith(".") and inside(root, p):
                    yield p, Path(folder) / p.name


def init_corpus(source_root: Path, target: Path) -> list[Path]:
    """Copy a corpus to `target` (absent or empty); return the relative paths copied."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"'{target}' is a file; give a folder for the new corpus")
    if target.is_dir() and any(target.iterdir()):
        raise RefusedError(f"'{target}' is not empty; give a new or empty folder so nothing is overwritten")
    copied: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for src, rel in _corpus_files(source_root):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
            copied.append(rel)
        if not (target / "schema").is_dir() or not any((target / "schema").iterdir()):
            from positions.schema import write_schemas

            copied.extend(p.relative_to(target) for p in write_schemas(target))
    except PermissionError as exc:
        raise FilesystemError(f"cannot write '{exc.filename or target}': permission denied") from exc
    except OSError as exc:
        raise FilesystemError(f"cannot copy the corpus to '{target}': {exc.strerror or exc}") from exc
    return copied
