"""``cultplan init``: write a commented starter scenario (registered in planner/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.i18n import N_
from planner.io.starter import write_starter
from planner.scenario.messages import message

#: Exit code when the file exists and --force is not given (the command line's invalid
#: input, planner.cli.EXIT_INVALID).
EXIT_EXISTS = 2


def init(
    path: Annotated[
        Path,
        typer.Argument(
            help=N_("Scenario YAML file to write."), metavar=N_("PATH"), show_default=True
        ),
    ] = Path("scenario.yaml"),
    force: Annotated[bool, typer.Option(help=N_("Write over an existing file."))] = False,
) -> None:
    """Write a small, commented starter scenario that validates and solves."""
    if not write_starter(path, force=force):
        typer.echo(message("init_exists", path=path), err=True)
        raise typer.Exit(EXIT_EXISTS)
    typer.echo(message("init_wrote", path=path))
