"""The `argocd` commands: the Argo CD Config Management Plugin's generate step (SPEC §3.3)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
