"""What the review tests (plan, describe, their JSON, git inputs, progress) share."""

from __future__ import annotations

import os

import pytest


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `dpf-render ARGS`, run in this process."""
    from kustomize_plugin.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def secret(value: str) -> dict[str, object]:
    """Secret n/s with one data key, k."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "n"},
        "data": {"k": value},
    }


def read_terminal(controller: int) -> bytes:
    """Everything written to a pseudo-terminal, read from its controller side until every writer closed it."""
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)
