"""A one-line counter of DPUDeployments on a terminal's stderr, for renders that take more than a second.

Only the CLI's commands create one, and only when stderr is a terminal: kustomize, kpt and Argo CD read
stderr from a pipe (and Argo CD shows it in its UI), so the KRM function, the legacy plugin and the Argo CD
plugin never count, and never import this module. The counter rewrites one line with `\\r` and wipes it when
a stage is done, so the terminal keeps only the output and the results.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

DELAY = 1.0  # seconds of silence first: a quick render shows nothing
INTERVAL = 0.1  # seconds between two updates of the line


class Progress:
    """Stages of counted steps (`start`, then `step` per DPUDeployment); drawn once DELAY has passed."""

    __slots__ = ("done", "last", "prefix", "shown", "stage", "started", "stream", "total")

    def __init__(self, stream: TextIO, *, prefix: str = "") -> None:
        self.stream = stream
        self.prefix = prefix  # which render of several: "base: ", "head: "
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = 0  # the width of the line on the terminal, 0 when none is
        self.stage = ""
        self.done = 0
        self.total = 0

    def start(self, stage: str, total: int) -> None:
        self.stage, self.done, self.total = stage, 0, total

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.started >= DELAY and (now - self.last >= INTERVAL or self.done == self.total):
            self.last = now
            self._draw(f"dpf-render: {self.prefix}{self.stage} {self.done}/{self.total} DPUDeployments")
        if self.done >= self.total:
            self.clear()

    def clear(self) -> None:
        """Wipe the line, if one is shown."""
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text + " " * max(0, self.shown - len(text)))
        self.stream.flush()
        self.shown = len(text)


def on_terminal(stream: TextIO) -> Progress | None:
    """A counter when `stream` is a terminal, else None."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return None
    return Progress(stream) if terminal else None


def relabel(progress: Progress | None, prefix: str) -> Progress | None:
    """The same counter (its second of silence counts from the command's start), for another render."""
    if progress is not None:
        progress.prefix = prefix
    return progress
