"""--output never names a corpus file, whatever the letter case (issue 18 item 12): on the default
file systems of macOS and Windows sources/ALLIANCE.YAML is sources/alliance.yaml."""

from __future__ import annotations

import pytest

from .helpers import fails


@pytest.mark.parametrize(("rel", "what"), [
    ("sources/ALLIANCE.YAML", "a source file"),
    ("sources/Moj.Yml", "a source file"),
    ("TOPICS.YAML", "the topics file"),
    ("Links.yaml", "the reviewed-links file"),
])
@pytest.mark.parametrize("command", [("report",), ("compare", "alliance", "moj", "--format", "json"),
                                     ("gaps", "--against", "moj")], ids=["report", "compare", "gaps"])
def test_output_naming_a_corpus_file_in_another_case_is_refused(corpus_dir, invoke, rel, what, command):
    fails(invoke, "--data", corpus_dir, *command, "--output", corpus_dir / rel, status=4,
          says=f"of a corpus; give another file name", unchanged=corpus_dir)


def test_output_in_a_sources_folder_of_another_case_is_refused(corpus_dir, invoke):
    (corpus_dir / "Schema").mkdir()
    fails(invoke, "--data", corpus_dir, "report", "--output", corpus_dir / "Schema" / "SOURCE.schema.JSON", status=4,
          says="a schema file of a corpus", unchanged=corpus_dir)
