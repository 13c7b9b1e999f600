"""Corpus editing: add, new-source, init; round-trip fidelity, locking and safe writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHIPPED_DATA
from positions.corpus import load_corpus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Embedding caches written by the matcher go to a throwaway folder, not the user's cache."""
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped corpus, made with `positions init`."""
    from positions.scaffold import init_corpus

    target = tmp_path / "shipped"
    init_corpus(SHIPPED_DATA, target)
    return target


def _files(folder: Path) -> dict[str, bytes]:
    """The folder's files, lock files aside (they stay, empty, after a write: see docs/extending.md)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.suffix != ".lock"}


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- ids -------------------------------------------------------------------------------------------


def test_slugify_uses_first_content_words() -> None:
    from positions.ids import slugify

    assert slugify("We will keep a mixed market of providers.") == "keep-mixed-market-providers"
    assert slugify("Probation services must be accountable to local communities.") == \
        "probation-services-accountable-local-communities"
    assert slugify("Café-owned “probation” — for all!") == "cafe-owned-probation"
    assert slugify("We will.") == "we-will"  # only stop words: keep them rather than nothing
    assert slugify("——") == "statement"


def test_unique_id_appends_counter() -> None:
    from positions.ids import unique_id

    assert unique_id("a", set()) == "a"
    assert unique_id("a", {"a"}) == "a-2"
    assert unique_id("a", {"a", "a-2"}) == "a-3"


# -- add: round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(p.stem for p in (SHIPPED_DATA / "sources").glob("*.yaml")))
def test_add_to_shipped_file_only_appends(invoke, shipped_copy: Path, key: str) -> None:
    path = shipped_copy / "sources" / f"{key}.yaml"
    before = path.read_bytes()
    result = invoke("--data", shipped_copy, "add", key, "--text", "A brand new statement about zebras and lighthouses.",
                    "--section", "Added", "--stance", "core-probation-public=support", "--note", 'A "quoted" note.')
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(before), "untouched lines must stay byte-for-byte"
    added = after[len(before):].decode()
    assert added == (
        "\n"
        "  - id: brand-new-statement-zebras-lighthouses\n"
        '    text: "A brand new statement about zebras and lighthouses."\n'
        '    section: "Added"\n'
        "    stances:\n"
        "      core-probation-public: support\n"
        '    note: "A \\"quoted\\" note."\n'
    )
    assert f"{key}/brand-new-statement-zebras-lighthouses" in result.stdout
    st = load_corpus(shipped_copy).statement(f"{key}/brand-new-statement-zebras-lighthouses")
    assert st.statement.note == 'A "quoted" note.'


def test_add_to_empty_flow_list(invoke, make_corpus) -> None:
    root = make_corpus(extra_sources={"empty": "# head comment\nname: Empty  # trailing\nstatements: []\n"})
    result = invoke("--data", root, "add", "empty", "--text", "Something entirely new.")
    assert result.exit_code == 0, result.output
    text = (root / "sources" / "empty.yaml").read_text()
    assert text == (
        "# head comment\nname: Empty  # trailing\nstatements:\n"
        "  - id: something-entirely-new\n"
        '    text: "Something entirely new."\n'
    )
    # and a second one appends with the same layout
    assert invoke("--data", root, "add", "empty", "--text", "Another fresh idea.").exit_code == 0
    assert load_corpus(root).source_map["empty"].data.statements[1].id == "another-fresh-idea"


def test_add_keeps_other_layouts(invoke, make_corpus) -> None:
    """Items at column 0, no blank lines, CRLF line endings: appended in the file's own style."""
    raw = ("name: Flat\r\nstatements:\r\n- id: one\r\n  text: 'First.'\r\n- id: two\r\n  text: Second.\r\n")
    root = make_corpus(extra_sources={"flat": raw.encode()})
    result = invoke("--data", root, "add", "flat", "--text", "Third thing.")
    assert result.exit_code == 0, result.output
    after = (root / "sources" / "flat.yaml").read_bytes()
    assert after == raw.encode() + b'- id: third-thing\r\n  text: "Third thing."\r\n'


def test_add_when_statements_is_not_last_key(invoke, make_corpus) -> None:
    raw = ("name: Order  # the name\nstatements:\n  - id: one\n    text: \"First.\"\nnotes: kept after\n")
    root = make_corpus(extra_sources={"order": raw})
    result = invoke("--data", root, "add", "order", "--text", "Second thing.")
    assert result.exit_code == 0, result.output
    text = (root / "sources" / "order.yaml").read_text()
    assert text.startswith("name: Order  # the name\nstatements:\n  - id: one\n    text: \"First.\"\n")
    assert text.endswith("notes: kept after\n")
    assert [s.id for s in load_corpus(root).source_map["order"].data.statements] == ["one", "second-thing"]


def test_generated_id_never_reuses_existing(invoke, corpus_dir: Path) -> None:
    for n in range(3):
        result = invoke("--data", corpus_dir, "add", "moj", "--text", f"Local links matter {'!' * n}",
                        "--force")
        assert result.exit_code == 0, result.output
    ids = [s.id for s in load_corpus(corpus_dir).source_map["moj"].data.statements]
    assert ids[-3:] == ["local-links-matter", "local-links-matter-2", "local-links-matter-3"]


def test_explicit_id_taken_is_refused(invoke, corpus_dir: Path) -> None:
    before = _files(corpus_dir / "sources")
    result = invoke("--data", corpus_dir, "add", "moj", "--id", "plain", "--text", "Totally different words.")
    assert result.exit_code == 4
    assert "moj/plain already exists" in result.stderr and "plain-2" in result.stderr
    assert _files(corpus_dir / "sources") == before


def test_explicit_id_must_be_a_slug(invoke, corpus_dir: Path) -> None:
    result = invoke("--data", corpus_dir, "add", "moj", "--id", "Not A Slug", "--text", "Words.")
    assert result.exit_code == 2
    assert "--id: 'Not A Slug' is not a valid id" in result.stderr


# -- add: checks -----------------------------------------------------------------------------------


def test_near_duplicate_in_same_source_refused(invoke, corpus_dir: Path) -> None:
    before = _files(corpus_dir / "sources")
    result = invoke("--data", corpus_dir, "add", "moj", "--text", "we will keep a MIXED market of providers")
    assert result.exit_code == 4
    assert "moj/mixed-market" in result.stderr and "--force" in result.stderr
    assert "\n" not in result.stderr.strip()
    assert _files(corpus_dir / "sources") == before
    forced = invoke("--data", corpus_dir, "add", "moj", "--text", "we will keep a MIXED market of providers", "--force")
    assert forced.exit_code == 0, forced.output


def test_same_text_in_another_source_is_allowed(invoke, corpus_dir: Path) -> None:
    result = invoke("--data", corpus_dir, "add", "alliance", "--text", "We will keep a mixed market of providers.")
    assert result.exit_code == 0, result.output
    assert "moj/mixed-market" in result.stdout  # shown as the nearest statement
    assert "Suggested stances" in result.stdout and "  public-ownership=" in result.stdout


def test_unknown_source_and_topic_and_bad_stance(invoke, corpus_dir: Path) -> None:
    r = invoke("--data", corpus_dir, "add", "mj", "--text", "x y z")
    assert r.exit_code == 2 and "unknown source 'mj'; did you mean 'moj'?" in r.stderr
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "x y z", "--stance", "unpaid-wrk=support")
    assert r.exit_code == 2 and "unknown topic 'unpaid-wrk'; did you mean 'unpaid-work'?" in r.stderr
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "x y z", "--stance", "unpaid-work=suport")
    assert r.exit_code == 2
    assert "'suport' is not a stance; did you mean 'support'? use one of support, oppose, mixed, neutral" in r.stderr
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "x y z", "--stance", "unpaid-work")
    assert r.exit_code == 2 and "write PROPOSITION=STANCE" in r.stderr


def test_bad_text_uses_loader_message(invoke, corpus_dir: Path) -> None:
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "bell\x07 here")
    assert r.exit_code == 2
    assert "--text: 'text' contains the control character U+0007; remove it" in r.stderr
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "   ")
    assert r.exit_code == 2 and "is empty" in r.stderr


def test_invalid_file_is_not_appended_to(invoke, make_corpus) -> None:
    root = make_corpus(extra_sources={"broken": "name: Broken\nstatements:\n  - id: a\n    text: A.\n    stance: {}\n"})
    before = (root / "sources" / "broken.yaml").read_bytes()
    r = invoke("--data", root, "add", "moj", "--text", "Fine words.")  # another source: corpus must load
    assert r.exit_code == 1
    assert "sources/broken.yaml:5:5: statement 'a' stance: unknown field 'stance'; did you mean 'stances'?" in r.stderr
    assert (root / "sources" / "broken.yaml").read_bytes() == before


def test_library_validates_whole_file_with_loader_messages(make_corpus) -> None:
    """append_statement re-checks the file inside the lock (it may have changed since loading)."""
    from positions.add import append_statement
    from positions.errors import CorpusError

    root = make_corpus()
    path = root / "sources" / "moj.yaml"
    path.write_text(path.read_text() + "- id: plain\n  text: Twice.\n")
    before = path.read_bytes()
    with pytest.raises(CorpusError) as info:
        append_statement(path, {"text": "New."}, ["unpaid-work"])
    assert "duplicate id (first used by statement 3)" in str(info.value)
    assert "sources/moj.yaml:16:7: statement 'plain'" in str(info.value)  # the real file, not a probe
    assert "positions-check" not in str(info.value)
    assert path.read_bytes() == before


def test_no_text_without_terminal_is_usage_error(invoke, corpus_dir: Path) -> None:
    r = invoke("--data", corpus_dir, "add", "moj", input="should not be read\n")
    assert r.exit_code == 2
    assert "--text is required when input is not a terminal" in r.stderr


def test_interactive_prompts(invoke, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import positions.cli.edit as cli_edit

    from positions.suggest import Suggester

    monkeypatch.setattr(cli_edit, "_interactive", lambda: True)
    text = "Unpaid work placements should be local."
    offered = len(Suggester(load_corpus(corpus_dir)).suggest(text, limit=3))
    # each suggestion is offered first (skipped here), then other stances are asked for
    answers = f"{text}\nUnpaid work\n" + "n\n" * offered + "unpaid-work=maybe\nunpaid-work=support, local-delivery=support\nA note.\n"
    r = invoke("--data", corpus_dir, "add", "moj", input=answers)
    assert r.exit_code == 0, r.output
    assert "'maybe' is not a stance" in r.output  # asked again
    st = load_corpus(corpus_dir).statement("moj/unpaid-work-placements-local")
    assert st.statement.section == "Unpaid work"
    assert st.stances == {"unpaid-work": "support", "local-delivery": "support"}
    assert st.statement.note == "A note."


def test_packaged_corpus_is_refused(invoke, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import positions.corpus as corpus_mod
    from positions.corpus import DataDir

    monkeypatch.setattr(corpus_mod, "find_data_dir", lambda option=None: DataDir(corpus_dir, "packaged"))
    before = _files(corpus_dir / "sources")
    for args in (["add", "moj", "--text", "New words."], ["new-source", "new", "--name", "New"]):
        r = invoke(*args)
        assert r.exit_code == 4
        assert "positions init DIR" in r.stderr and "--data DIR" in r.stderr and "POSITIONS_DATA" in r.stderr
    assert _files(corpus_dir / "sources") == before


# -- safe writes -----------------------------------------------------------------------------------


def test_twenty_concurrent_adds_all_land(corpus_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "POSITIONS_CACHE_DIR": str(tmp_path / "cache"), "POSITIONS_LOCK_TIMEOUT": "120"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "positions", "--data", str(corpus_dir), "add", "alliance",
             "--text", f"Concurrent statement number {n} about topic {n * 7}.", "--force"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        )
        for n in range(20)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _ in outcomes), outcomes
    statements = load_corpus(corpus_dir).source_map["alliance"].data.statements
    assert len(statements) == 2 + 20
    assert len({s.id for s in statements}) == 22
    assert {s.text for s in statements[2:]} == {f"Concurrent statement number {n} about topic {n * 7}." for n in range(20)}
    assert _no_temp_files(corpus_dir / "sources")


def test_failure_before_replace_leaves_file_intact(invoke, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = corpus_dir / "sources" / "moj.yaml"
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    r = invoke("--data", corpus_dir, "add", "moj", "--text", "Words that never land.")
    assert r.exit_code == 3
    assert "cannot write 'sources/moj.yaml'" in r.stderr or "cannot write" in r.stderr
    assert path.read_bytes() == before
    assert _no_temp_files(corpus_dir / "sources")


def _chmod_or_skip(path: Path, mode: int) -> None:
    path.chmod(mode)
    if os.access(path, os.W_OK):
        path.chmod(0o755 if path.is_dir() else 0o644)
        pytest.skip("running as root: chmod does not stop writes, so a read-only file cannot be simulated")


def test_read_only_file_is_clear_error(invoke, corpus_dir: Path) -> None:
    path = corpus_dir / "sources" / "moj.yaml"
    before = path.read_bytes()
    _chmod_or_skip(path, 0o444)
    try:
        r = invoke("--data", corpus_dir, "add", "moj", "--text", "Words for a read-only file.")
    finally:
        path.chmod(0o644)
    assert r.exit_code == 3
    assert "sources/moj.yaml" in r.stderr and "read-only" in r.stderr
    assert path.read_bytes() == before
    assert _no_temp_files(corpus_dir / "sources")


def test_read_only_folder_is_clear_error(invoke, corpus_dir: Path) -> None:
    folder = corpus_dir / "sources"
    before = _files(folder)
    _chmod_or_skip(folder, 0o555)
    try:
        r = invoke("--data", corpus_dir, "add", "moj", "--text", "Words for a read-only folder.")
        r2 = invoke("--data", corpus_dir, "new-source", "fresh", "--name", "Fresh")
    finally:
        folder.chmod(0o755)
    assert r.exit_code == 3 and "read-only" in r.stderr
    assert r2.exit_code == 3 and "read-only" in r2.stderr
    assert _files(folder) == before


def test_read_only_checks_without_chmod(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same checks, simulated through os.access so they run as root too."""
    from positions.add import append_statement
    from positions.errors import FilesystemError

    path = corpus_dir / "sources" / "moj.yaml"
    before = path.read_bytes()
    real_access = os.access
    for target in (path, path.parent):
        monkeypatch.setattr(os, "access", lambda p, mode, t=target: False if Path(p) == t else real_access(p, mode))
        with pytest.raises(FilesystemError, match="read-only"):
            append_statement(path, {"text": "New words."}, None)
    assert path.read_bytes() == before


def test_lock_timeout_is_clear_error(corpus_dir: Path) -> None:
    from filelock import FileLock

    from positions.add import append_statement
    from positions.errors import FilesystemError

    path = corpus_dir / "sources" / "moj.yaml"
    before = path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
         "print('locked', flush=True); time.sleep(30)", str(path) + ".lock"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FilesystemError, match="another positions command has held its lock") as info:
            append_statement(path, {"text": "New words."}, None, timeout=0.2)
        assert info.value.exit_code == 3
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert path.read_bytes() == before
    # released: the same call now succeeds
    append_statement(path, {"text": "New words."}, None, timeout=5)
    assert FileLock(str(path) + ".lock", timeout=0).acquire()


# -- new-source ------------------------------------------------------------------------------------


def test_new_source_scaffold(invoke, corpus_dir: Path) -> None:
    r = invoke("--data", corpus_dir, "new-source", "howard-league", "--name", "Howard League", "--title",
               "Annual review", "--date", "2020-05", "--kind", "charity", "--author", "A. Person",
               "--author", "B. Person", "--url", "https://example.org/x")
    assert r.exit_code == 0, r.output
    text = (corpus_dir / "sources" / "howard-league.yaml").read_text()
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/source.schema.json"
    assert lines[1] == "# Howard League: Annual review (2020-05)."
    assert lines[2].startswith("#")
    assert lines[3:] == [
        "name: Howard League", "title: Annual review", 'date: "2020-05"', "kind: charity",
        "authors: [A. Person, B. Person]", "url: https://example.org/x", "statements: []",
    ]
    source = load_corpus(corpus_dir).source_map["howard-league"]
    assert source.data.date == "2020-05" and source.data.authors == ["A. Person", "B. Person"]
    r = invoke("--data", corpus_dir, "add", "howard-league", "--text", "Fewer people in prison.")
    assert r.exit_code == 0, r.output
    assert "howard-league/fewer-people-prison" in r.stdout


def test_new_source_refusals(invoke, corpus_dir: Path) -> None:
    before = _files(corpus_dir / "sources")
    r = invoke("--data", corpus_dir, "new-source", "moj", "--name", "Again")
    assert r.exit_code == 4 and "source 'moj' already exists" in r.stderr
    r = invoke("--data", corpus_dir, "new-source", "Howard League", "--name", "HL")
    assert r.exit_code == 2 and "try 'howard-league'" in r.stderr
    r = invoke("--data", corpus_dir, "new-source", "hl", "--name", "HL", "--date", "2020-13")
    assert r.exit_code == 2 and "--date: '2020-13' is not a real date" in r.stderr
    r = invoke("--data", corpus_dir, "new-source", "hl", "--name", "HL", "--date", "May 2020")
    assert r.exit_code == 2 and "is not a date; write YYYY, YYYY-MM or YYYY-MM-DD" in r.stderr
    r = invoke("--data", corpus_dir, "new-source", "hl", "--name", " ")
    assert r.exit_code == 2 and "--name" in r.stderr
    assert _files(corpus_dir / "sources") == before


# -- init ------------------------------------------------------------------------------------------


def test_init_copies_corpus(invoke, tmp_path: Path) -> None:
    target = tmp_path / "mine"
    r = invoke("--data", SHIPPED_DATA, "init", target)
    assert r.exit_code == 0, r.output
    assert f"export POSITIONS_DATA={target}" in r.stdout and f"--data {target}" in r.stdout
    assert (target / "topics.yaml").read_bytes() == (SHIPPED_DATA / "topics.yaml").read_bytes()
    for p in (SHIPPED_DATA / "sources").glob("*.yaml"):
        assert (target / "sources" / p.name).read_bytes() == p.read_bytes()
    assert (target / "schema" / "source.schema.json").is_file()
    assert not list(target.rglob("*.lock"))
    v = invoke("--data", target, "validate")
    assert v.exit_code == 0 and v.stdout.startswith("OK: 5 sources")


def test_init_refuses_non_empty_folder(invoke, corpus_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    r = invoke("--data", corpus_dir, "init", target)
    assert r.exit_code == 4 and "not empty" in r.stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("--data", corpus_dir, "init", empty).exit_code == 0
    assert (empty / "schema" / "topics.schema.json").is_file()  # written when the origin has none


def test_commands_have_examples(invoke) -> None:
    for command in ("add", "new-source", "init", "schema"):
        r = invoke(command, "--help")
        assert r.exit_code == 0 and "Example: positions" in r.stdout


def test_writes_keep_permission_bits(invoke, corpus_dir: Path) -> None:
    """The temporary file is created 0600; the written file keeps the original's mode."""
    path = corpus_dir / "sources" / "moj.yaml"
    path.chmod(0o664)
    assert invoke("--data", corpus_dir, "add", "moj", "--text", "Permission bits stay.").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o664
    old = os.umask(0o022)
    try:
        assert invoke("--data", corpus_dir, "new-source", "fresh", "--name", "Fresh").exit_code == 0
    finally:
        os.umask(old)
    assert (corpus_dir / "sources" / "fresh.yaml").stat().st_mode & 0o777 == 0o644


def test_add_accepts_confident_suggestions_only_when_asked(invoke, shipped_copy: Path) -> None:
    from ruamel.yaml import YAML

    text = "We want fewer people sent to prison on short sentences instead of community orders."
    plain = invoke("--data", shipped_copy, "add", "clinks", "--text", text)
    assert plain.exit_code == 0, plain.output
    assert "community-over-custody=support" in plain.stdout and "(confident)" in plain.stdout
    assert "no stances: not curated; see 'positions suggest clinks'" in plain.stdout
    taken = invoke("--data", shipped_copy, "add", "clinks", "--text", text + " Again.", "--accept-suggested", "--force")
    assert taken.exit_code == 0, taken.output
    statements = YAML(typ="safe").load((shipped_copy / "sources" / "clinks.yaml").read_text())["statements"]
    assert "stances" not in statements[-2] or not statements[-2]["stances"]
    assert statements[-1]["stances"] == {"community-over-custody": "support"}  # only the confident one
    mine = invoke("--data", shipped_copy, "add", "clinks", "--text", text + " Once more.", "--accept-suggested",
                  "--stance", "community-over-custody=mixed", "--force")
    assert mine.exit_code == 0, mine.output
    statements = YAML(typ="safe").load((shipped_copy / "sources" / "clinks.yaml").read_text())["statements"]
    assert statements[-1]["stances"] == {"community-over-custody": "mixed"}  # --stance wins
