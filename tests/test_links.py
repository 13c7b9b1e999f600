"""Reviewed links (links.yaml): loading and validation, the matcher obeying them in every output,
`positions link`, and safe writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_corpus import SOURCES, TOPICS

from positions.corpus import load_corpus


def links_yaml(*entries: str) -> str:
    return "links:\n" + "".join(entries)


def entry(a: str, b: str, decision: str = "confirmed", **more: str) -> str:
    lines = [f"  - a: {a}\n", f"    b: {b}\n", f"    decision: {decision}\n"]
    lines += [f"    {k}: {v}\n" for k, v in more.items()]
    return "".join(lines)


@pytest.fixture
def data(make_corpus):
    """Two sources with known alignments (tests/sample_corpus.py), no links.yaml yet."""
    return make_corpus(sources=SOURCES, topics=TOPICS)


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- loading -------------------------------------------------------------------------------------


def test_valid_links_load(make_corpus):
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": links_yaml(
        entry("unions/public-service", "ministry/mixed-market", relation="related", reason="'Both on ownership.'",
              reviewer="jo", date="2024-05-01"),
        entry("ministry/digital", "unions/tea", "rejected", date='"2024-05-02"'),
    )})
    corpus = load_corpus(root)
    assert [(x.a, x.b, x.decision, x.relation) for x in corpus.links] == [
        ("unions/public-service", "ministry/mixed-market", "confirmed", "related"),
        ("ministry/digital", "unions/tea", "rejected", None),
    ]
    first = corpus.links[0]
    assert (first.reason, first.reviewer, first.date) == ("Both on ownership.", "jo", "2024-05-01")
    assert corpus.links[1].date == "2024-05-02"  # quoted or not, a date is text
    assert corpus.link("unions/tea", "ministry/digital") is corpus.links[1]  # either order
    assert corpus.link("unions/tea", "ministry/mixed-market") is None


def test_bare_links_key_is_an_empty_list(make_corpus):
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": "# nothing decided yet\nlinks:\n"})
    assert load_corpus(root).links == ()


def test_loader_problems_are_placed(invoke, make_corpus):
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": links_yaml(
        entry("unions/public-service", "ministry/mixed-market"),                      # 2-4
        entry("unions/public-service", "unions/tea"),                                 # 5-7
        entry("ministry/digital", "unions/tea", "maybe", relation="agreed"),          # 8-11
        entry("unons/tea", "ministry/digital", "rejected", relation="agree"),         # 12-15
        entry("ministry/mixed-market", "unions/public-service", "rejected",           # 16-19
              date='"2024-02-30"'),
        entry("unions/psr-quality", "no-slash", colour="red"),                        # 20-23
        "  - a: unions/upw-communities\n    b: ministry/unpaid-work\n",               # 24-25
        entry("unions/tea", "ministry/advice-to-cort", date="May 2024"),              # 26-29
    )})
    r = invoke("--data", root, "validate")
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    expected = [
        "links.yaml:6:8: link 2 b: 'unions/public-service' and 'unions/tea' are in the same source; "
        "a link joins statements of two different sources",
        "links.yaml:10:15: link 3 decision: 'maybe' is not a decision; use confirmed or rejected",
        "links.yaml:11:15: link 3 relation: 'agreed' is not a relation; use agree, disagree or related",
        "links.yaml:12:8: link 4 a: unknown source 'unons'; did you mean 'unions'?",
        "links.yaml:15:5: link 4 relation: a rejected pair is never aligned, so 'relation' has no effect",
        "links.yaml:16:8: link 5: duplicate link: ministry/mixed-market and unions/public-service are already "
        "decided by link 1; keep one decision per pair",
        "links.yaml:19:11: link 5 date: '2024-02-30' is not a real date; write YYYY-MM-DD",
        "links.yaml:21:8: link 6 b: 'no-slash' is not a statement reference; write SOURCE/ID",
        "links.yaml:23:5: link 6 colour: unknown field 'colour' (allowed: a, b, decision, relation, reason, reviewer, date)",
        "links.yaml:24:5: link 7 decision: 'decision' is missing; add it",
        "links.yaml:27:8: link 8 b: unknown statement 'ministry/advice-to-cort'; did you mean 'ministry/advice-to-court'?",
        "links.yaml:29:11: link 8 date: 'May 2024' is not a date; write YYYY-MM-DD",
    ]
    for want in expected:
        assert any(want in line for line in lines), (want, lines)
    assert lines[-1] == f"{len(expected)} problems found; fix them and run 'positions validate'"
    assert "not supported by this version" not in r.stderr


def test_empty_links_file(invoke, make_corpus):
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": ""})
    r = invoke("--data", root, "validate")
    assert r.exit_code == 1 and "links.yaml: file is empty; it needs at least links:" in r.stderr


def test_link_into_a_broken_source_is_not_called_unknown(invoke, make_corpus):
    """Only the source's own problem is reported: the link's target exists, its file is just invalid."""
    broken = {**SOURCES["ministry"], "colour": "red"}
    root = make_corpus(sources={**SOURCES, "ministry": broken}, topics=TOPICS,
                       files={"links.yaml": links_yaml(entry("unions/tea", "ministry/digital"))})
    r = invoke("--data", root, "validate")
    assert r.exit_code == 1
    assert "unknown field 'colour'" in r.stderr and "links.yaml" not in r.stderr


def test_cached_load_sees_edits_to_links(make_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POSITIONS_CACHE_DIR", str(tmp_path / "cache"))
    from positions.errors import CorpusError

    root = make_corpus(sources=SOURCES, topics=TOPICS,
                       files={"links.yaml": links_yaml(entry("unions/tea", "ministry/digital"))})
    assert load_corpus(root, use_cache=True).links[0].decision == "confirmed"
    assert load_corpus(root, use_cache=True).links[0].decision == "confirmed"  # from the cache
    path = root / "links.yaml"
    path.write_text(path.read_text().replace("confirmed", "rejected"))
    assert load_corpus(root, use_cache=True).links[0].decision == "rejected"
    # a cached, valid links.yaml whose target disappears is re-checked, with positions
    src = root / "sources" / "ministry.yaml"
    src.write_text(src.read_text().replace("id: digital", "id: digital-services"))
    with pytest.raises(CorpusError) as info:
        load_corpus(root, use_cache=True)
    assert "links.yaml:3:8: link 1 b: unknown statement 'ministry/digital'" in str(info.value)


# -- the matcher obeys the links, and every output says so ---------------------------------------


def _pairs(invoke, root, *extra):
    r = invoke("--data", root, "compare", "unions", "ministry", "--format", "json", *extra)
    assert r.exit_code == 0, r.output
    return {(p["a"]["id"], p["b"]["id"]): p for p in json.loads(r.stdout)["pairs"]}


def test_rejected_pair_disappears_and_confirmed_pair_appears(invoke, data):
    before = _pairs(invoke, data)
    best = max(before.values(), key=lambda p: p["score"])
    assert (best["a"]["id"], best["b"]["id"]) == ("upw-communities", "unpaid-work")
    assert ("tea", "digital") not in before
    assert all(p["status"] == "suggested" and "review" not in p for p in before.values())

    r = invoke("--data", data, "link", "unions/upw-communities", "ministry/unpaid-work", "--reject",
               "--reason", "Different aims | really", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    r = invoke("--data", data, "link", "ministry/digital", "unions/tea", "--confirm", "--relation", "disagree",
               "--reason", "Budget | biscuits.", "--reviewer", "kim")
    assert r.exit_code == 0, r.output

    after = _pairs(invoke, data)
    assert ("upw-communities", "unpaid-work") not in after
    confirmed = after[("tea", "digital")]
    assert confirmed["status"] == "reviewed" and confirmed["relation"] == "disagree"
    assert confirmed["score"] < 0.3  # far below any threshold: aligned only because a curator said so
    assert confirmed["review"]["decision"] == "confirmed" and confirmed["review"]["relation"] == "disagree"
    assert confirmed["review"]["reason"] == "Budget | biscuits." and confirmed["review"]["reviewer"] == "kim"
    assert all(p["status"] == "suggested" for k, p in after.items() if k != ("tea", "digital"))
    # the relation filter uses the curator's relation
    assert ("tea", "digital") in _pairs(invoke, data, "--relation", "disagree")
    assert ("tea", "digital") not in _pairs(invoke, data, "--relation", "related")

    table = invoke("--data", data, "compare", "unions", "ministry", "--full").stdout
    assert "reviewed by a curator (kim) on " in table and "the curator's relation: disagree" in table
    assert "upw-communities" in table  # the statement is still shown under its proposition
    md = invoke("--data", data, "compare", "unions", "ministry", "--format", "markdown").stdout
    assert "## Related statements, not compared (1)" in md
    assert "reviewed by a curator (kim) on " in md and ": Budget \\| biscuits.; the curator's relation: disagree" in md


def test_report_marks_reviewed_pairs(invoke, data):
    r = invoke("--data", data, "link", "unions/public-service", "ministry/mixed-market", "--confirm",
               "--reason", "<b>Opposite</b> sides.", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    md = invoke("--data", data, "report").stdout
    assert "- `ministry/mixed-market` × `unions/public-service`: disagree, text similarity" in md
    assert "reviewed by a curator (jo) on " in md and ": \\<b\\>Opposite\\</b\\> sides." in md
    html = invoke("--data", data, "report", "--format", "html").stdout
    assert "reviewed by a curator (jo) on " in html and "&lt;b&gt;Opposite&lt;/b&gt; sides." in html


def test_search_hits_carry_no_review_status(invoke, data):
    """A search hit is one statement, not a pair: there is nothing to review (documented in README)."""
    doc = json.loads(invoke("--data", data, "search", "publicly owned probation", "--format", "json").stdout)
    assert doc["hits"] and all("status" not in h for h in doc["hits"])


# -- positions link ------------------------------------------------------------------------------


def test_link_creates_then_appends_then_replaces(invoke, data):
    path = data / "links.yaml"
    r = invoke("--data", data, "link", "unions/tea", "ministry/digital", "--confirm", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"Confirmed unions/tea ↔ ministry/digital in {path} (a new file).\n"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=schema/links.schema.json\n")
    assert "links:\n  - a: unions/tea\n    b: ministry/digital\n    decision: confirmed\n" in text

    first = path.read_bytes()
    r = invoke("--data", data, "link", "unions/psr-quality", "ministry/advice-to-court", "--reject",
               "--reason", 'Not "the same"', "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    second = path.read_bytes()
    assert second.startswith(first + b"\n  - a: unions/psr-quality\n")  # appended: old bytes kept
    assert 'reason: "Not \\"the same\\""' in second.decode()

    # the same pair, in the other order: replaced in place, not duplicated
    r = invoke("--data", data, "link", "ministry/digital", "unions/tea", "--reject", "--reviewer", "kim")
    assert r.exit_code == 0, r.output
    assert "This replaces the earlier decision on the pair (confirmed by jo on " in r.stdout
    links = load_corpus(data).links
    assert [(x.a, x.b, x.decision, x.reviewer) for x in links] == [
        ("ministry/digital", "unions/tea", "rejected", "kim"),
        ("unions/psr-quality", "ministry/advice-to-court", "rejected", "jo"),
    ]
    third = path.read_text()
    # the second entry's lines are untouched
    assert third.endswith(second.decode().split("\n\n", 1)[1])


def test_link_keeps_a_hand_written_file(invoke, make_corpus):
    raw = ("# decisions\r\nlinks:\r\n- a: unions/tea   # biscuits\r\n  b: ministry/digital\r\n  decision: 'rejected'\r\n"
           "\r\n# trailing comment\r\n")
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": raw.encode()})
    r = invoke("--data", root, "link", "unions/upw-communities", "ministry/unpaid-work", "--confirm", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    after = (root / "links.yaml").read_bytes()
    assert after.startswith(raw.encode())
    assert b"\r\n- a: unions/upw-communities\r\n  b: ministry/unpaid-work\r\n  decision: confirmed\r\n" in after
    # replacing the hand-written entry keeps the comments around it
    r = invoke("--data", root, "link", "unions/tea", "ministry/digital", "--confirm", "--reviewer", "jo")
    assert r.exit_code == 0, r.output
    text = (root / "links.yaml").read_bytes().decode()
    assert text.startswith("# decisions\r\nlinks:\r\n- a: unions/tea\r\n  b: ministry/digital\r\n  decision: confirmed\r\n")
    assert "# trailing comment\r\n" in text
    assert [x.decision for x in load_corpus(root).links] == ["confirmed", "confirmed"]


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one of --confirm or --reject"),
    (["--confirm", "--reject"], "give exactly one of --confirm or --reject"),
    (["--reject", "--relation", "agree"], "--relation applies to confirmed links"),
])
def test_link_flag_errors(invoke, data, args, message):
    r = invoke("--data", data, "link", "unions/tea", "ministry/digital", *args)
    assert r.exit_code == 2 and message in r.stderr
    assert not (data / "links.yaml").exists()


@pytest.mark.parametrize("a, b, message", [
    ("unons/tea", "ministry/digital", "unknown source 'unons'; did you mean 'unions'?"),
    ("unions/tee", "ministry/digital", "unknown statement 'unions/tee'; did you mean 'unions/tea'?"),
    ("unions/tea", "unions/public-service", "are in the same source"),
    ("tea", "ministry/digital", "'tea' is not a statement reference; write SOURCE/ID"),
])
def test_link_ref_errors(invoke, data, a, b, message):
    r = invoke("--data", data, "link", a, b, "--confirm")
    assert r.exit_code == 2 and message in r.stderr
    assert not (data / "links.yaml").exists()


def test_link_refuses_the_packaged_corpus(invoke, data, monkeypatch):
    import positions.corpus as corpus_mod
    from positions.corpus import DataDir

    monkeypatch.setattr(corpus_mod, "find_data_dir", lambda option=None: DataDir(data, "packaged"))
    r = invoke("link", "unions/tea", "ministry/digital", "--confirm")
    assert r.exit_code == 4 and "positions init DIR" in r.stderr
    assert not (data / "links.yaml").exists()


def test_invalid_links_file_is_not_written_to(invoke, make_corpus):
    raw = links_yaml(entry("unions/tea", "ministry/nothing"))
    root = make_corpus(sources=SOURCES, topics=TOPICS, files={"links.yaml": raw})
    r = invoke("--data", root, "link", "unions/upw-communities", "ministry/unpaid-work", "--confirm")
    assert r.exit_code == 1 and "unknown statement 'ministry/nothing'" in r.stderr
    assert (root / "links.yaml").read_text() == raw


# -- safe writes (as for `add`: see test_edit.py) ----------------------------------------------


def test_failure_before_replace_leaves_links_intact(invoke, data, monkeypatch):
    assert invoke("--data", data, "link", "unions/tea", "ministry/digital", "--confirm").exit_code == 0
    path = data / "links.yaml"
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    r = invoke("--data", data, "link", "unions/psr-quality", "ministry/advice-to-court", "--reject")
    assert r.exit_code == 3 and "cannot write" in r.stderr and "links.yaml" in r.stderr
    assert path.read_bytes() == before
    assert _no_temp_files(data)


def test_lock_timeout_leaves_links_intact(data):
    from positions.links_file import record_link
    from positions.errors import FilesystemError

    corpus = load_corpus(data)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
         "print('locked', flush=True); time.sleep(30)", str(data / "links.yaml.lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FilesystemError, match="another positions command has held its lock"):
            record_link(data, corpus, {"a": "unions/tea", "b": "ministry/digital", "decision": "confirmed"}, timeout=0.2)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert not (data / "links.yaml").exists()


def test_concurrent_links_all_land(make_corpus, tmp_path):
    many = {
        "left": {"name": "Left", "statements": [{"id": f"l{n}", "text": f"Left statement {n}."} for n in range(4)]},
        "right": {"name": "Right", "statements": [{"id": f"r{n}", "text": f"Right statement {n}."} for n in range(3)]},
    }
    root = make_corpus(sources=many, topics=TOPICS)
    env = {**os.environ, "POSITIONS_CACHE_DIR": str(tmp_path / "cache"), "POSITIONS_LOCK_TIMEOUT": "120"}
    pairs = [(f"left/l{i}", f"right/r{j}") for i in range(4) for j in range(3)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "positions", "--data", str(root), "link", a, b,
                          "--confirm" if n % 2 else "--reject", "--reviewer", f"p{n}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for n, (a, b) in enumerate(pairs)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _ in outcomes), outcomes
    links = load_corpus(root).links
    assert sorted((x.a, x.b) for x in links) == sorted(pairs)
    assert _no_temp_files(root)
