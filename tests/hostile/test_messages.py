"""The exact wording of representative error messages, frozen in snapshots/messages.txt.

Each case runs one bad input through the command line in a scratch folder (so paths are short and
relative) and records the command, its whole standard error and its exit status. A change of
wording shows up as a diff here; read it, and when the new wording is better update the snapshot
with the script made for it (the test itself only compares):

    python tools/update_snapshots.py          # shows the diff
    python tools/update_snapshots.py --write  # and writes the snapshot
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from .helpers import OK_SOURCE, check_clean, parse_problems

SNAPSHOT = Path(__file__).parent / "snapshots" / "messages.txt"
# Set by tools/update_snapshots.py: a file (outside the repository) to write the messages to.
RENDER_TO = "POSITIONS_SNAPSHOT_RENDER_TO"
STATEMENT = "statements:\n  - id: a\n    text: A quote.\n"

# name -> (files of the corpus (None: the default corpus), command, environment)
CASES: dict[str, tuple[dict | None, tuple[str, ...], dict]] = {
    "unclosed quote": ({"sources/x.yaml": 'name: "Probation Alliance\n' + STATEMENT}, ("validate",), {}),
    "tab indentation": ({"sources/x.yaml": "name: Foo\nstatements:\n\t- id: a\n\t  text: b\n"}, ("validate",), {}),
    "colon in an unquoted value": ({"sources/x.yaml": "name: Foo\nstatements:\n  - id: a\n    text: Note: this\n"},
                                   ("validate",), {}),
    "duplicate key": ({"sources/x.yaml": "name: Foo\nname: Bar\n" + STATEMENT}, ("validate",), {}),
    "misspelt and missing fields": ({"sources/x.yaml": "name: Foo\ntitel: T\nstatements:\n  - id: a\n    txt: b\n"},
                                    ("validate",), {}),
    "number as id": ({"sources/x.yaml": "name: Foo\nstatements:\n  - id: 42\n    text: b\n"}, ("validate",), {}),
    "unknown topic and stance": ({"sources/x.yaml": OK_SOURCE + "    stances:\n      public-ownershp: agree\n"},
                                 ("validate",), {}),
    "python tag": ({"sources/x.yaml": "name: !!python/object/apply:os.system ['rm -rf ~']\n" + STATEMENT},
                   ("validate",), {}),
    "standard tag": ({"sources/x.yaml": "name: Foo\ndate: !!str 2019\n" + STATEMENT}, ("validate",), {}),
    "alias": ({"sources/x.yaml": "name: &n Foo\ntitle: *n\n" + STATEMENT}, ("validate",), {}),
    "invalid UTF-8": ({"sources/x.yaml": b"name: Caf\xe9\n" + STATEMENT.encode()}, ("validate",), {}),
    "20 MB file": ({"sources/x.yaml": ("sparse", 20 * 1024 * 1024)}, ("validate",), {}),
    "100,000-character quote": ({"sources/x.yaml": "name: Foo\nstatements:\n  - id: a\n    text: " + "x" * 100_000 + "\n"},
                                ("validate",), {}),
    "escape sequence in a name": ({"sources/x.yaml": 'name: "Foo\\e]0;pwned\\a"\n' + STATEMENT}, ("validate",), {}),
    "empty file": ({"sources/x.yaml": "# TODO\n"}, ("validate",), {}),
    "missing topics.yaml": ({"topics.yaml": None}, ("validate",), {}),
    "unknown source": (None, ("show", "mj"), {}),
    "unknown topic": (None, ("compare", "alliance", "moj", "--topic", "upaid-work"), {}),
    "threshold out of range": (None, ("compare", "alliance", "moj", "--threshold", "45"), {}),
    "missing POSITIONS_DATA folder": (None, ("sources",), {"POSITIONS_DATA": "mycorpus"}),
    "output in a missing folder": (None, ("report", "--output", "briefings/report.md"), {}),
    "output onto a source file": (None, ("report", "--output", "{corpus}/sources/moj.yaml"), {}),
    "near-duplicate statement": (None, ("add", "moj", "--text", "We will keep a mixed market of providers!"), {}),
}


def _build(make_corpus, slug: str, files: dict | None) -> Path:
    own_sources = any(rel.startswith("sources/") for rel in files or {})
    root = make_corpus(name=slug, sources={} if own_sources else None)
    for rel, content in (files or {}).items():
        path = root / rel
        if content is None:
            path.unlink()
        elif isinstance(content, tuple):
            path.write_bytes(b"")
            os.truncate(path, content[1])
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def render(make_corpus, invoke) -> str:
    out = []
    for name, (files, command, env) in CASES.items():
        slug = name.replace(" ", "-").replace(",", "").replace(".", "").lower()
        root = _build(make_corpus, slug, files)
        args = ("--no-cache", *(() if env else ("--data", slug)),
                *(a.replace("{corpus}", slug) for a in command))
        result = invoke(*args, env=env or None)
        check_clean(result)
        if command[0] != "add":  # add shows the nearest statements before it refuses
            assert result.stdout == "", (name, result.stdout)
        shown_env = "".join(f"{k}={v} " for k, v in env.items())
        out += [f"## {name}", f"$ {shown_env}positions {' '.join(args[1:])}", result.stderr.rstrip("\n"),
                f"[exit {result.exit_code}]", ""]
    return "\n".join(out)


def test_messages_match_the_snapshot(make_corpus, invoke, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # paths in messages are shown relative to the working folder
    got = render(make_corpus, invoke)
    out = os.environ.get(RENDER_TO)
    if out:  # tools/update_snapshots.py: what the messages are now, written outside the repository
        Path(out).write_text(got, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "snapshot", "now"))
        raise AssertionError(f"messages changed (python tools/update_snapshots.py --write to accept):\n{diff}")


def test_every_snapshot_message_is_one_line_each_with_a_place_or_error_prefix():
    # Read back the frozen wording: corpus problems name file[:line:col], others start "error: ".
    text = SNAPSHOT.read_text(encoding="utf-8")
    blocks = [b.strip() for b in text.split("## ")[1:]]
    assert len(blocks) == len(CASES)
    for block in blocks:
        lines = block.splitlines()
        status = int(lines[-1].strip("[exit ]"))
        messages = [line for line in lines[2:-1] if line]
        assert messages, block
        if status == 1:
            for problem in parse_problems("\n".join(messages)):  # file[:line:col]: message, then the count
                assert problem.path.endswith(".yaml"), block
        else:
            assert len(messages) == 1 and messages[0].startswith("error: "), block
