"""Every exit status the README documents, each triggered for real through the command line."""

from __future__ import annotations

import re

import pytest

from positions import errors

from conftest import REPO_ROOT

from .helpers import expect_problems, fails, run, tree


def documented_statuses() -> dict[int, str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Exit statuses", 1)[1].split("\n#", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", section, re.MULTILINE)}


def test_readme_documents_exactly_the_statuses_the_code_uses():
    documented = documented_statuses()
    assert sorted(documented) == [0, 1, 2, 3, 4, 130]
    assert (errors.EXIT_OK, errors.EXIT_INVALID_DATA, errors.EXIT_USAGE, errors.EXIT_FILESYSTEM,
            errors.EXIT_REFUSED, errors.EXIT_INTERRUPTED) == (0, 1, 2, 3, 4, 130)
    assert errors.CorpusError.exit_code == 1 and errors.UsageError.exit_code == 2
    assert errors.FilesystemError.exit_code == 3 and errors.RefusedError.exit_code == 4
    assert documented[0] == "success" and documented[130].startswith("interrupted")


def test_status_0_success(corpus_dir, invoke):
    before = tree(corpus_dir)
    assert run(invoke, "--data", corpus_dir, "validate", status=0).stdout == "OK: 2 sources, 5 statements, 3 topics\n"
    assert tree(corpus_dir) == before


def test_status_1_invalid_data(make_corpus, invoke):
    root = make_corpus(sources={"x": "name: Foo\ncolour: red\nstatements: []\n"})
    expect_problems(invoke, root, [("sources/x.yaml", 2, 1, "unknown field 'colour'")],
                    commands=(("validate",), ("sources",), ("compare", "x", "y"), ("report",)))


@pytest.mark.parametrize(("args", "says"), [
    (("show", "mj"), "unknown source 'mj'; did you mean 'moj'?"),
    (("compare", "alliance", "moj", "--threshold", "1.5"), "--threshold must be between 0 and 1, not 1.5"),
    (("sources", "--format", "xml"), "--format: 'xml' is not one of table, json"),
    (("no-such-command",), "No such command"),
])
def test_status_2_usage_error(corpus_dir, invoke, args, says):
    fails(invoke, "--data", corpus_dir, *args, status=2, says=says, unchanged=corpus_dir)


def test_status_3_cannot_write(corpus_dir, invoke, tmp_path):
    fails(invoke, "--data", corpus_dir, "report", "--output", tmp_path / "missing" / "r.md", status=3,
          says="does not exist; create it first", unchanged=tmp_path)


@pytest.mark.parametrize(("args", "says"), [
    (("add", "moj", "--text", "We will keep a mixed market of providers."), "repeats moj/mixed-market"),
    (("new-source", "moj", "--name", "Again"), "source 'moj' already exists"),
    (("report", "--output", "{root}/sources/moj.yaml"), "refusing to write"),
])
def test_status_4_refused_change(corpus_dir, invoke, args, says):
    args = tuple(a.replace("{root}", str(corpus_dir)) for a in args)
    before = tree(corpus_dir)
    result = run(invoke, "--no-cache", "--data", corpus_dir, *args, status=4)
    assert says in result.stderr
    assert {k: v for k, v in tree(corpus_dir).items() if not k.endswith(".lock")} == before


def test_status_130_interrupted(corpus_dir, invoke, monkeypatch):
    # Ctrl-C arrives while the command is inside the library: the CLI reports it, no traceback.
    import positions.corpus

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(positions.corpus, "load_corpus", interrupted)
    for command in (("validate",), ("compare", "alliance", "moj"), ("add", "moj", "--text", "New.")):
        result = run(invoke, "--data", corpus_dir, *command, status=130)
        assert result.stderr == "interrupted\n" and result.stdout == ""
