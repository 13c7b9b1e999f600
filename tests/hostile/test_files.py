"""Hostile files and folders: links out of the corpus, folders and pipes where files belong, a
missing topics.yaml, bad data folders, output paths that cannot or must not be written, and
interruptions in the middle of a write.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import OK_SOURCE, expect_problems, fails, one_source, positions_subprocess, run, tree

X = "sources/x.yaml"
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs os.symlink")


def symlink(target: Path, link: Path) -> None:
    try:
        os.symlink(target, link)
    except OSError as exc:
        pytest.skip(f"cannot create symlinks here: {exc}")


# --- links, folders and pipes in the corpus ---------------------------------------------------


@needs_symlinks
def test_source_linked_from_outside_the_corpus_is_refused(make_corpus, invoke, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(OK_SOURCE, encoding="utf-8")
    root = make_corpus(sources={})
    symlink(outside, root / X)
    expect_problems(invoke, root, [(X, 0, 0, "is a link to a file outside the corpus folder; copy the file in instead")],
                    commands=(("validate",), ("sources",)))


@needs_symlinks
def test_topics_linked_from_outside_the_corpus_is_refused(make_corpus, invoke, tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("topics: []\n", encoding="utf-8")
    root = make_corpus(topics=None, sources={"x": OK_SOURCE})
    symlink(outside, root / "topics.yaml")
    expect_problems(invoke, root, [("topics.yaml", 0, 0, "is a link to a file outside the corpus folder")])


@needs_symlinks
def test_source_folder_linked_from_outside_is_refused(make_corpus, invoke, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.yaml").write_text(OK_SOURCE, encoding="utf-8")
    root = make_corpus(sources={})
    (root / "sources").rmdir()
    symlink(elsewhere, root / "sources")
    expect_problems(invoke, root, [(X, 0, 0, "is a link to a file outside the corpus folder")])


@needs_symlinks
def test_link_inside_the_corpus_is_fine(make_corpus, invoke):
    root = make_corpus(sources={"x": OK_SOURCE})
    (root / "drafts").mkdir()
    (root / "drafts" / "y.yaml").write_text(OK_SOURCE.replace("Foo", "Bar"), encoding="utf-8")
    symlink(Path("..") / "drafts" / "y.yaml", root / "sources" / "y.yaml")
    assert run(invoke, "--data", root, "validate", status=0).stdout == "OK: 2 sources, 2 statements, 3 topics\n"


@needs_symlinks
def test_dangling_link(make_corpus, invoke):
    root = make_corpus(sources={})
    symlink(root / "sources" / "gone.yaml", root / X)
    expect_problems(invoke, root, [(X, 0, 0, "is a link to a file that does not exist; remove the link or restore the file")])


@needs_symlinks
def test_loops_of_links(make_corpus, invoke):
    root = make_corpus(sources={})
    symlink(Path("x.yaml"), root / X)
    symlink(Path("b.yaml"), root / "sources" / "a.yaml")
    symlink(Path("a.yaml"), root / "sources" / "b.yaml")
    says = "is a link that leads back to itself (a loop of links); remove it or point it at a file"
    expect_problems(invoke, root, [("sources/a.yaml", 0, 0, says), ("sources/b.yaml", 0, 0, says), (X, 0, 0, says)])


@needs_symlinks
def test_init_does_not_copy_files_linked_from_outside(make_corpus, invoke, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: Secret\nstatements: []\n", encoding="utf-8")
    root = make_corpus()
    symlink(secret, root / "sources" / "leak.yaml")
    run(invoke, "--data", root, "init", tmp_path / "copy", status=0)
    assert sorted(p.name for p in (tmp_path / "copy" / "sources").iterdir()) == ["alliance.yaml", "moj.yaml"]


def test_source_file_that_is_a_folder(make_corpus, invoke):
    root = make_corpus(sources={"ok": OK_SOURCE})
    (root / X).mkdir()
    expect_problems(invoke, root, [(X, 0, 0, "is a folder, not a file; a corpus file must be a plain YAML file")])


def test_topics_file_that_is_a_folder(make_corpus, invoke):
    root = make_corpus(topics=None, sources={"x": OK_SOURCE})
    (root / "topics.yaml").mkdir()
    expect_problems(invoke, root, [("topics.yaml", 0, 0, "is a folder, not a file")])


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "wait4"), reason="needs named pipes (os.mkfifo, POSIX)")
def test_named_pipe_as_a_source_does_not_hang(make_corpus):
    # Run in a child process with a timeout: a loader that opened the pipe would wait forever
    # for a writer. The child is killed (and the test fails) after 60 s.
    root = make_corpus(sources={"ok": OK_SOURCE})
    os.mkfifo(root / X)
    before = tree(root)
    done = positions_subprocess("--data", root, "validate", timeout=60)
    assert done.status == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].endswith(
        "sources/x.yaml: is not a plain file (it is a pipe, device or socket); a corpus file must be a plain YAML file")
    assert done.seconds < 30
    assert tree(root) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their permissions, so an unreadable file cannot be simulated")
def test_unreadable_source(make_corpus, invoke):
    root = one_source(make_corpus, OK_SOURCE)
    os.chmod(root / X, 0)
    try:
        expect_problems(invoke, root, [(X, 0, 0, "cannot read: permission denied; make the file readable")])
    finally:
        os.chmod(root / X, 0o644)


# --- topics.yaml missing ----------------------------------------------------------------------


def test_missing_topics_file_is_one_clear_problem(make_corpus, invoke):
    # Not one "unknown topic" per stance: one line saying what is missing and what to do.
    root = make_corpus(topics=None)
    expect_problems(invoke, root, [("topics.yaml", 0, 0, (
        "file not found, but the sources take stances on topics; restore it (or copy one with 'positions init DIR')"))],
        commands=(("validate",), ("compare", "alliance", "moj")))


def test_missing_topics_file_and_silent_on(make_corpus, invoke):
    root = make_corpus(topics=None, sources={"x": "silent_on: [unpaid-work]\n" + OK_SOURCE})
    expect_problems(invoke, root, [("topics.yaml", 0, 0, "file not found")])


def test_missing_topics_file_without_stances_loads(make_corpus, invoke):
    root = make_corpus(topics=None, sources={"x": OK_SOURCE})
    assert run(invoke, "--data", root, "validate", status=0).stdout == "OK: 1 sources, 1 statements, 0 topics\n"


def test_not_a_corpus_folder(invoke, tmp_path):
    (tmp_path / "empty").mkdir()
    expect_problems(invoke, tmp_path / "empty", [("empty", 0, 0, (
        "is not a corpus folder: it has neither topics.yaml nor sources/; run 'positions init DIR' to make one"))])


# --- the data folder: --data, POSITIONS_DATA, validate DIR --------------------------------------


def test_missing_data_folder_names_the_option(invoke, tmp_path):
    fails(invoke, "--data", tmp_path / "nope", "sources", status=2,
          says=f"error: --data: folder '{tmp_path / 'nope'}' does not exist; give the folder that holds topics.yaml")


def test_missing_environment_folder_names_the_variable(invoke, tmp_path):
    for command in (("sources",), ("validate",), ("add", "x", "--text", "t"), ("init", tmp_path / "copy")):
        result = fails(invoke, *command, status=2, env={"POSITIONS_DATA": str(tmp_path / "nope")},
                       says=f"error: POSITIONS_DATA: folder '{tmp_path / 'nope'}' does not exist")
        assert "--data" not in result.stderr
    assert not (tmp_path / "copy").exists()


def test_environment_folder_that_is_a_file(invoke, tmp_path):
    f = tmp_path / "file.yaml"
    f.write_text("x: 1\n", encoding="utf-8")
    fails(invoke, "sources", status=2, env={"POSITIONS_DATA": str(f)},
          says=f"error: POSITIONS_DATA: '{f}' is not a folder; give the folder that holds topics.yaml")


def test_data_option_wins_over_a_bad_environment_folder(invoke, corpus_dir, tmp_path):
    result = run(invoke, "--data", corpus_dir, "validate", status=0, env={"POSITIONS_DATA": str(tmp_path / "nope")})
    assert result.stdout.startswith("OK: ")


def test_validate_directory_argument_is_named_as_such(invoke, tmp_path):
    fails(invoke, "validate", tmp_path / "nope", status=2, says=f"error: DIR: folder '{tmp_path / 'nope'}' does not exist")


# --- --output ---------------------------------------------------------------------------------

REPORT = ("report", "--format", "markdown")


def test_output_in_a_missing_folder(corpus_dir, invoke, tmp_path):
    out = tmp_path / "missing" / "report.md"
    fails(invoke, "--data", corpus_dir, *REPORT, "--output", out, status=3,
          says=f"error: cannot write '{out}': the folder '{out.parent}' does not exist; create it first",
          unchanged=tmp_path)


def test_output_under_a_file(corpus_dir, invoke, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = tmp_path / "afile" / "report.md"
    fails(invoke, "--data", corpus_dir, *REPORT, "--output", out, status=3, says="is a file, not a folder",
          unchanged=tmp_path)


def test_output_is_a_folder(corpus_dir, invoke, tmp_path):
    fails(invoke, "--data", corpus_dir, "compare", "alliance", "moj", "--output", tmp_path, status=3,
          says=f"error: cannot write '{tmp_path}': it is a folder; give a file name, e.g. {tmp_path}/report.md",
          unchanged=tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into read-only folders, so a read-only folder cannot be simulated")
def test_output_in_a_read_only_folder(corpus_dir, invoke, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    try:
        fails(invoke, "--data", corpus_dir, *REPORT, "--output", folder / "report.md", status=3,
              says="permission denied; choose another folder", unchanged=folder)
    finally:
        os.chmod(folder, 0o755)


@pytest.mark.parametrize(("rel", "what"), [
    ("sources/moj.yaml", "it is a source file of a corpus"),
    ("sources/new.yaml", "it would be a source file of a corpus"),
    ("topics.yaml", "it is the topics file of a corpus"),
    ("schema/source.schema.json", "it is a schema file of a corpus"),
])
@pytest.mark.parametrize("command", [("compare", "alliance", "moj", "--format", "json"), ("report",),
                                     ("report", "--format", "html")], ids=["compare", "report", "html"])
def test_output_never_overwrites_the_corpus(corpus_dir, invoke, rel, what, command):
    # A tired user's `-o sources/moj.yaml` must not replace the data with a report.
    (corpus_dir / "schema").mkdir(exist_ok=True)
    (corpus_dir / "schema" / "source.schema.json").write_text("{}", encoding="utf-8")
    fails(invoke, "--data", corpus_dir, *command, "--output", corpus_dir / rel, status=4,
          says=f"error: refusing to write '{corpus_dir / rel}': {what}", unchanged=corpus_dir)


def test_output_refuses_another_corpus_too(make_corpus, corpus_dir, invoke):
    other = make_corpus(name="other")
    fails(invoke, "--data", corpus_dir, *REPORT, "-o", other / "sources" / "alliance.yaml", status=4,
          says="it is a source file of a corpus", unchanged=other)


@needs_symlinks
def test_output_through_a_link_to_a_corpus_file_is_refused(corpus_dir, invoke, tmp_path):
    link = tmp_path / "latest.md"
    symlink(corpus_dir / "sources" / "moj.yaml", link)
    fails(invoke, "--data", corpus_dir, *REPORT, "-o", link, status=4, says="it is a source file of a corpus",
          unchanged=corpus_dir)
    assert link.is_symlink()


@needs_symlinks
def test_output_through_a_link_writes_its_target(corpus_dir, invoke, tmp_path):
    (tmp_path / "reports").mkdir()
    link = tmp_path / "latest.md"
    symlink(tmp_path / "reports" / "2024.md", link)
    run(invoke, "--data", corpus_dir, *REPORT, "-o", link, status=0)
    assert link.is_symlink() and (tmp_path / "reports" / "2024.md").read_text(encoding="utf-8").startswith("# ")


def test_output_replaces_an_existing_file_whole(corpus_dir, invoke, tmp_path):
    out = tmp_path / "report.md"
    out.write_text("STALE " * 100_000, encoding="utf-8")
    result = run(invoke, "--data", corpus_dir, *REPORT, "-o", out, status=0)
    assert result.stderr == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "STALE" not in text
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary files


def test_output_to_a_device(corpus_dir, invoke):
    if not os.path.exists(os.devnull) or os.name != "posix":
        pytest.skip("needs /dev/null")
    run(invoke, "--data", corpus_dir, *REPORT, "-o", os.devnull, status=0)
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()  # still the device, not replaced


# --- interrupted in the middle of a write -------------------------------------------------------


def _interrupt_fsync(monkeypatch) -> list[str]:
    """Make the next fsync (the last step before the atomic rename) raise KeyboardInterrupt, as a
    Ctrl-C at that moment would; record which file was being written."""
    seen: list[str] = []

    def interrupted(fd: int) -> None:
        try:
            seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            seen.append("?")
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    return seen


def test_ctrl_c_during_add_leaves_the_source_intact(corpus_dir, invoke, monkeypatch):
    before = tree(corpus_dir)
    seen = _interrupt_fsync(monkeypatch)
    result = run(invoke, "--no-cache", "--data", corpus_dir, "add", "moj", "--text", "A brand new statement.",
                 status=130)
    assert result.stderr.splitlines()[-1] == "interrupted"
    assert seen and os.path.basename(seen[0]).startswith(".moj.yaml.") or seen == ["?"]
    after = tree(corpus_dir)
    assert {k: v for k, v in after.items() if not k.endswith(".lock")} == before  # no half file, no temp file


def test_ctrl_c_while_writing_a_report_leaves_nothing(corpus_dir, invoke, monkeypatch, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "report.md").write_text("previous report\n", encoding="utf-8")
    _interrupt_fsync(monkeypatch)
    run(invoke, "--no-cache", "--data", corpus_dir, *REPORT, "-o", out_dir / "report.md", status=130)
    assert tree(out_dir) == {"report.md": b"previous report\n"}


# --- standard output that cannot be written ------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) to fill the disk")
def test_standard_output_on_a_full_disk(corpus_dir):
    with open("/dev/full", "wb") as full:
        done = positions_subprocess("--data", corpus_dir, "report", stdout=full)
    assert done.status == 3, done.stderr
    assert done.stderr == "error: cannot write the output: No space left on device\n"


def test_reader_that_stops_early_gets_no_traceback(corpus_dir):
    # `positions report | head -1`: the pipe closes under the writer.
    proc = subprocess.Popen([sys.executable, "-m", "positions", "--data", str(corpus_dir), "report"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 3)
