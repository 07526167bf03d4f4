"""The repository explains itself: comments cite its own docs/ or DPF's source, never documents it lacks.

A reader of the repository has docs/*.md and DPF's sources (paths such as
`internal/dpuservice/controllers/dpudeployment_controller.go`), not the notes the project started from:
no section numbers of those notes and no issue numbers in code, tests, scripts, examples or the Argo CD
files, and every `docs/<name>.md` they cite exists.
"""

from __future__ import annotations

import re

import pytest

from .conftest import REPO

FOLDERS = ("kustomize_plugin", "tests", "scripts", "argocd", "examples")
SUFFIXES = (".py", ".yaml", ".yml", ".md", ".lua", ".sh", ".toml", ".j2")
# Built from parts, so that this file does not match itself.
FORBIDDEN = re.compile(
    "|".join(("SPEC " + "§", "reference " + "§", r"\b[Ii]ssue " + r"#?\d", "/work/" + "shared"))
)
CITED_DOC = re.compile(r"docs/([a-z0-9-]+)\.md")


def files() -> list[str]:
    found = [
        str(path.relative_to(REPO))
        for folder in FOLDERS
        for path in sorted((REPO / folder).rglob("*"))
        if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts
    ]
    return [*found, "pyproject.toml"]


@pytest.mark.parametrize("name", files())
def test_no_citation_of_documents_the_repository_lacks(name: str) -> None:
    text = (REPO / name).read_text(encoding="utf-8", errors="replace")
    lines = [f"{i}: {line.strip()}" for i, line in enumerate(text.splitlines(), 1) if FORBIDDEN.search(line)]
    assert not lines


def test_every_cited_doc_exists() -> None:
    cited = {
        doc
        for name in files()
        for doc in CITED_DOC.findall((REPO / name).read_text(encoding="utf-8", errors="replace"))
    }
    assert cited, "no file cites docs/"
    assert sorted(doc for doc in cited if not (REPO / "docs" / f"{doc}.md").is_file()) == []
