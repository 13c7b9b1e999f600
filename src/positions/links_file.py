"""Recording curators' decisions on pairs of statements in links.yaml (`positions link`,
`positions review`): one decision per pair, appended or replaced as text under the file's lock,
validated with the loader before it replaces the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from positions.errors import CorpusError, UsageError

if TYPE_CHECKING:
    from positions.models import Corpus, Link
from positions.safe_write import Locked, check_writable_file, write_file, write_target
from positions.yamlsplice import (
    appended_item_text,
    dump_yaml,
    encoded_like,
    loads_to,
    plain,
    render_list_item,
    replaced_item_text,
)

LINKS_SCHEMA_LINE = "# yaml-language-server: $schema=schema/links.schema.json"
LINKS_HEADER = (
    LINKS_SCHEMA_LINE + "\n"
    "# Curators' decisions on matched pairs of statements: confirmed pairs are always aligned,\n"
    "# rejected ones never. Written by 'positions review' and 'positions link'; see docs/corpus-format.md.\n"
)


@dataclass(frozen=True)
class LinkWrite:
    """What `record_link` did: the decision as written and the one it replaced, if any."""

    link: Link
    replaced: Link | None  # the earlier decision on the same pair
    created: bool  # links.yaml did not exist before
    path: Path


def check_link_refs(corpus: Corpus, a: str, b: str) -> tuple[str, str]:
    """Two statement refs of two different sources, checked against the corpus; UsageError with a
    did-you-mean hint otherwise."""
    from positions.corpus import require_statement

    for ref in (a, b):
        require_statement(corpus, ref)
    if a.partition("/")[0] == b.partition("/")[0]:
        raise UsageError(f"{a} and {b} are in the same source; a link joins statements of two different sources")
    return a, b


def link_map(fields: dict[str, Any]) -> Any:
    """One links.yaml entry in file order: a, b, decision, relation, reason, reviewer, date;
    reason, reviewer and date double-quoted."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

    item = CommentedMap()
    item["a"] = fields["a"]
    item["b"] = fields["b"]
    item["decision"] = fields["decision"]
    for name in ("relation", "reason", "reviewer", "date"):
        value = fields.get(name)
        if value:
            item[name] = value if name == "relation" else DQ(value)
    return item


def record_link(root: Path, corpus: Corpus, fields: dict[str, Any], *, timeout: float | None = None) -> LinkWrite:
    """Write a decision on a pair to ROOT/links.yaml under its lock; return what was done.

    `fields`: a, b (statement refs, checked with `check_link_refs`), decision, and optionally
    relation, reason, reviewer, date. A new pair is appended (every existing byte is kept); a
    decision on a pair already decided (in either order) replaces that entry. The file is
    created when missing. The result is validated with the loader before it replaces the file.
    """
    import datetime as dt

    from positions.corpus import LINKS_FILE, validate_links_text
    from positions.models import Link
    from positions.yamlio import YamlProblems, load_yaml, read_text

    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    fields.setdefault("date", dt.date.today().isoformat())
    link = _check_link_fields(fields)
    path = root / LINKS_FILE
    target = write_target(path)
    item = link_map(fields)
    check_writable_file(target)
    replaced = None
    with Locked(target, timeout):
        check_writable_file(target)
        created = not path.exists()
        raw = b""
        new_text: str | None
        if created:
            new_text = LINKS_HEADER + "links:\n" + render_list_item("links", item, 2)
        else:
            try:
                raw = path.read_bytes()
                text = read_text(path)
                data = load_yaml(path, text)
            except YamlProblems as exc:
                raise CorpusError(exc.problems) from exc
            if data is None:  # empty, or only comments: keep them and start the list
                new_text = (text if text.endswith("\n") or not text else text + "\n") + \
                    "links:\n" + render_list_item("links", item, 2)
            else:
                # The file must already be valid: do not pile a decision onto a broken file.
                existing = validate_links_text(text, path, corpus)
                index = next((i for i, old in enumerate(existing) if old.pair == link.pair), None)
                expected = plain(data)
                if index is None:
                    new_text = appended_item_text(text, data, "links", item, separate_second=True)
                    expected["links"] = [*(expected.get("links") or []), plain(item)]
                else:
                    replaced = existing[index]
                    new_text = replaced_item_text(text, data, "links", index, item)
                    expected["links"][index] = plain(item)
                if new_text is None or not loads_to(new_text, expected):
                    new_text = _dump_with_link(load_yaml(path, text, keep_comments=True), item, index)
        validate_links_text(new_text, path, corpus)
        write_file(target, encoded_like(raw, new_text))
    return LinkWrite(Link.model_validate(fields), replaced, created, path)


def _check_link_fields(fields: dict[str, Any]) -> Link:
    """The fields as a Link; UsageError naming the option for a bad value."""
    from positions.corpus import validated
    from positions.models import Link

    return validated(Link, fields, lambda loc: f"--{loc[0]}" if loc and loc[0] not in ("a", "b") else "link")


def _dump_with_link(data: Any, item: Any, index: int | None) -> str:
    """Fallback for layouts a text edit cannot handle: a ruamel.yaml round trip (keeps comments,
    order and quoting; may re-indent)."""
    from ruamel.yaml.comments import CommentedSeq

    seq = data.get("links")
    if not isinstance(seq, CommentedSeq) or seq.fa.flow_style():  # absent, plain or [a, b] style
        seq = CommentedSeq(list(seq or []))
        data["links"] = seq
    if index is None:
        seq.append(item)
    else:
        seq[index] = item
    return dump_yaml(data)
