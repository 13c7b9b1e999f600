"""The parse cache may make a load faster, never different (issue 18 item 1): the loader's checks
run whether or not a file comes from the cache, with the same messages at the same places."""

from __future__ import annotations

from .helpers import parse_problems, run

SOURCE = (
    "name: Probation Alliance\n"
    "statements:\n"
    "  - id: publicly-owned-service\n"
    "    text: A publically owned service with directly employed staff.\n"
    "    stances:\n"
    "      public-ownership: support\n"
)
DUPLICATE = '  - id: publicly-owned-service\n    text: "Another quote reusing the id."\n'


def _twice(invoke, root, *command):
    first = run(invoke, "--data", root, *command, status=1)
    second = run(invoke, "--data", root, *command, status=1)
    assert second.stderr == first.stderr
    return parse_problems(first.stderr)


def test_duplicate_statement_id_is_refused_on_every_run(make_corpus, invoke):
    root = make_corpus(extra_sources={"alliance": SOURCE})
    run(invoke, "--data", root, "sources", status=0)  # the parse cache now holds the valid file
    path = root / "sources" / "alliance.yaml"
    path.write_text(SOURCE + DUPLICATE, encoding="utf-8")
    for command in (("sources",), ("show", "alliance"), ("compare", "alliance", "moj")):
        problems = _twice(invoke, root, *command)
        assert len(problems) == 1
        assert problems[0].line > 0 and "duplicate id" in problems[0].rest


def test_duplicate_topic_key_is_placed_on_every_run(make_corpus, invoke):
    root = make_corpus()
    path = root / "topics.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "- key: public-ownership\n  label: Again\n  proposition: Again.\n"
                    if text.startswith("-") else text.replace("topics:\n", "topics:\n- key: unpaid-work\n  label: Again\n  proposition: Again.\n", 1),
                    encoding="utf-8")
    problems = _twice(invoke, root, "sources")
    assert [p.rest for p in problems if "duplicate topic key" in p.rest]
    assert all(p.line > 1 for p in problems if "duplicate topic key" in p.rest)


def test_unknown_topic_after_the_taxonomy_changed_is_refused_on_every_run(make_corpus, invoke):
    root = make_corpus()
    run(invoke, "--data", root, "sources", status=0)
    path = root / "topics.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("local-delivery", "local-services"), encoding="utf-8")
    problems = _twice(invoke, root, "sources")
    assert any("unknown topic 'local-delivery'" in p.rest and p.line > 0 for p in problems)
