"""The review commands: check, plan and describe (SPEC §3.4)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
