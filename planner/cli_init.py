"""``cultplan init``: write a commented starter scenario (registered in planner/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from planner.i18n import N_, _
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
    if path.is_dir():
        _refuse(_("{path}: is a folder; name the scenario file to write").format(path=path))
    if not path.parent.is_dir():
        _refuse(
            _("{path}: the folder {folder} does not exist").format(path=path, folder=path.parent)
        )
    try:
        written = write_starter(path, force=force)
    except OSError as exc:
        _refuse(
            _("{path}: could not write: {error}").format(
                path=path, error=exc.strerror or type(exc).__name__
            )
        )
    if not written:
        _refuse(message("init_exists", path=path))
    typer.echo(message("init_wrote", path=path))


def _refuse(text: str) -> NoReturn:
    """Say why nothing was written and exit with the invalid-input code."""
    typer.echo(text, err=True)
    raise typer.Exit(EXIT_EXISTS)
