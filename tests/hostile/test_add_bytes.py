"""`add` (and `link`) keep every other byte of the file (issue 18 item 11): list items laid out
another way, a document-end line, mixed line ends, a source file that is a link inside the
corpus; and a refused `add` prints nothing on standard output."""

from __future__ import annotations

import os

import pytest

from .helpers import fails, run

TEXT = "Probation staff need smaller caseloads to do good work."
NEW = ('{dash}id: probation-staff-need-smaller-caseloads\n'
       '{cont}text: "Probation staff need smaller caseloads to do good work."\n')


def _add(invoke, root, source="x", *extra):
    return run(invoke, "--data", root, "add", source, "--text", TEXT, *extra, status=0)


@pytest.mark.parametrize(("layout", "dash", "cont"), [
    ("    -   id: one\n        text: The first quote here.\n", "    -   ", "        "),
    ("- id: one\n  text: The first quote here.\n", "- ", "  "),
    ("   - id: one\n     text: The first quote here.\n", "   - ", "     "),
    ("  -  id: one\n     text: The first quote here.\n", "  -  ", "     "),
])
def test_other_list_layouts_are_appended_to_as_text(make_corpus, invoke, layout, dash, cont):
    body = "# A comment.\nname: X\n\nstatements:\n" + layout
    root = make_corpus(sources={"x": body})
    _add(invoke, root)
    assert (root / "sources" / "x.yaml").read_text(encoding="utf-8") == body + NEW.format(dash=dash, cont=cont)


@pytest.mark.parametrize("end", ["...\n", "...\n# after the end\n", "... # end\n"])
def test_a_document_end_line_stays_last(make_corpus, invoke, end):
    body = "name: X\nstatements:\n  - id: one\n    text: The first quote here.\n"
    root = make_corpus(sources={"x": body + end})
    _add(invoke, root)
    assert (root / "sources" / "x.yaml").read_text(encoding="utf-8") == body + NEW.format(dash="  - ", cont="    ") + end


@pytest.mark.parametrize(("body", "ending"), [
    (b"name: X\r\nstatements:\n  - id: one\r\n    text: The first quote here.\r\n", b"\r\n"),  # CRLF majority
    (b"name: X\nstatements:\r\n  - id: one\n    text: The first quote here.\n", b"\n"),  # LF majority
    (b"name: X\r\nstatements:\n  - id: one\r\n    text: The first quote here.\n", b"\r\n"),  # a tie: the first
])
def test_mixed_line_ends_are_kept_line_by_line(make_corpus, invoke, body, ending):
    root = make_corpus(sources={"x": body})
    _add(invoke, root)
    new = NEW.format(dash="  - ", cont="    ").encode().replace(b"\n", ending)
    assert (root / "sources" / "x.yaml").read_bytes() == body + new


def test_link_keeps_mixed_line_ends(make_corpus, invoke):
    root = make_corpus()
    first = (b"# decisions\r\nlinks:\n  - a: alliance/publicly-owned-service\r\n    b: moj/mixed-market\r\n"
             b"    decision: rejected\r\n")
    (root / "links.yaml").write_bytes(first)
    run(invoke, "--data", root, "link", "alliance/local-links", "moj/plain", "--confirm", "--reviewer", "R", status=0)
    data = (root / "links.yaml").read_bytes()
    assert data.startswith(first)
    assert data[len(first):].count(b"\r\n") == data[len(first):].count(b"\n") > 2


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_source_that_is_a_link_inside_the_corpus_stays_a_link(make_corpus, invoke):
    body = "name: X\nstatements:\n  - id: one\n    text: The first quote here.\n"
    root = make_corpus(sources={}, files={"texts/x-2019.yaml": body})
    (root / "sources" / "x.yaml").symlink_to(os.path.join("..", "texts", "x-2019.yaml"))
    _add(invoke, root)
    assert (root / "sources" / "x.yaml").is_symlink()
    assert (root / "texts" / "x-2019.yaml").read_text(encoding="utf-8") == body + NEW.format(dash="  - ", cont="    ")
    run(invoke, "--data", root, "validate", status=0)


def test_a_refused_add_prints_nothing_on_standard_output(corpus_dir, invoke):
    # exit 4: the same text again; nothing may have been printed before the refusal
    before = (corpus_dir / "sources" / "moj.yaml").read_bytes()
    fails(invoke, "--data", corpus_dir, "add", "moj", "--text", "We will keep a mixed market of providers.",
          status=4, says="nearly repeats", unchanged=corpus_dir)
    fails(invoke, "--data", corpus_dir, "add", "moj", "--id", "plain", "--text", TEXT,
          status=4, says="already exists")
    assert (corpus_dir / "sources" / "moj.yaml").read_bytes() == before


def test_a_refused_write_prints_nothing_on_standard_output(corpus_dir, invoke, monkeypatch):
    from positions import add
    from positions.errors import FilesystemError

    def full(*args, **kwargs):
        raise FilesystemError("cannot write 'x': No space left on device")

    monkeypatch.setattr(add, "write_file", full)
    before = (corpus_dir / "sources" / "moj.yaml").read_bytes()
    fails(invoke, "--data", corpus_dir, "add", "moj", "--text", TEXT, status=3, says="No space left")
    assert (corpus_dir / "sources" / "moj.yaml").read_bytes() == before


def test_a_successful_add_still_shows_the_nearest_statements(corpus_dir, invoke):
    result = run(invoke, "--data", corpus_dir, "add", "moj", "--text", "Unpaid work must be visible in towns.", status=0)
    lines = result.stdout.splitlines()
    assert lines[0] == "Nearest statements:" and lines[-1].startswith("Added statement")
