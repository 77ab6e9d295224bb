"""The command line in the planner's language: its help, its usage errors, its entry point.

``cultplan`` speaks Simplified Chinese unless ``CULTPLAN_LANG`` or ``--lang`` chooses
another language (see ``docs/i18n.md``). The language must be known before anything is
printed, help included, so the entry point (:class:`CultplanApp`, whose call is the
console script) reads ``--lang`` from the command line and the variable from the
environment first, refuses an unknown one (exit 2, naming the languages), translates
the command tree (help of commands and options, panel titles, the usage line), and then
runs the command. Click's own usage errors ("No such option", "Missing argument",
"Invalid value") are caught there and told in the catalogue's words, naming the option
and the value.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import sys
import threading
from collections.abc import Sequence
from importlib import metadata
from typing import Any, NoReturn

import typer
import typer.rich_utils
from rich.console import Console
from rich.text import Text

from planner.cli_support import EXIT_BUG, report_bug
from planner.i18n import (
    LANGUAGES,
    N_,
    UnknownLanguageError,
    _,
    language_from_env,
    normalize_language,
    set_language,
)

try:  # typer 0.2x carries its own copy of click
    from typer._click import core as click_core
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - typer before it carried click
    from click import core as click_core  # type: ignore[no-redef]
    from click import exceptions as click_errors  # type: ignore[no-redef]

#: Exit code of a command line that cannot be used (as for invalid input).
EXIT_USAGE = 2
#: The global option that chooses the language.
LANG_OPTION = "--lang"
#: The help text of every command's ``--help``.
HELP_OPTION_HELP = N_("Show this message and exit.")

_err = Console(stderr=True, soft_wrap=True)


def versions() -> dict[str, str]:
    """The versions ``cultplan --version`` prints: cultplan, OR-Tools and Python."""

    def installed(distribution: str) -> str:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cultplan": installed("cultplan"),
        "OR-Tools": installed("ortools"),
        "Python": platform.python_version(),
    }


def language_arguments(args: Sequence[str]) -> tuple[list[str], str | None]:
    """Take ``--lang VALUE`` / ``--lang=VALUE`` out of ``args`` (the last one wins).

    Returns the other arguments, with the option put back at the front (where the
    command group reads it) so that ``cultplan solve … --lang en`` works too, and the
    value given (None when there is none). Nothing after ``--`` is looked at.
    """
    rest: list[str] = []
    value: str | None = None
    k = 0
    while k < len(args):
        arg = args[k]
        if arg == "--":
            rest.extend(args[k:])
            break
        if arg == LANG_OPTION and k + 1 < len(args):
            value = args[k + 1]
            k += 2
            continue
        if arg.startswith(LANG_OPTION + "="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        k += 1
    if value is not None:
        rest = [LANG_OPTION, value, *rest]
    return rest, value


def choose_language(value: str | None) -> str:
    """Choose the language of this run: ``--lang``'s ``value``, else ``CULTPLAN_LANG``.

    Raises
    ------
    UnknownLanguageError
        When the one that decides names no language.
    """
    name = normalize_language(value) if value is not None else language_from_env()
    return set_language(name)


def unknown_language_text(exc: UnknownLanguageError, from_option: bool) -> str:
    """The message for an unknown language (``from_option``: given with ``--lang``)."""
    offered = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    if from_option:
        text = _("--lang {value!r}: unknown language; the languages are {offered}")
    else:
        text = _("CULTPLAN_LANG={value!r}: unknown language; the languages are {offered}")
    return text.format(value=exc.value, offered=offered)


# -- the help, translated ---------------------------------------------------------------

#: typer's own texts of the help pages, by the name of the setting that holds each.
_TYPER_TEXTS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    # TRANSLATORS: {} is the default value of an option, as typer prints it.
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    # TRANSLATORS: {} is the name of an environment variable.
    "ENVVAR_STRING": N_("[env var: {}]"),
}


def translate_help(command: Any) -> None:
    """Translate the help of ``command`` and of every command under it, in place.

    The texts are written (in English, marked with ``N_``) in the decorators of
    :mod:`planner.cli`; the command tree typer builds from them is translated once the
    language is chosen, before any help is rendered. typer's own words (panel titles,
    ``[default: …]``) are module settings of ``typer.rich_utils``, set here too.
    """
    for name, text in _TYPER_TEXTS.items():
        setattr(typer.rich_utils, name, _(text))
    _fold_long_words()
    _translate_command(command)


def _fold_long_words() -> None:
    """Let the help's table cells break a long run of Chinese anywhere.

    rich breaks lines at spaces and cuts a longer word with an ellipsis in a table cell;
    a Chinese sentence has no spaces, so it would be cut. Texts made with ``fold``
    overflow break such a run at the cell's width instead (English is unaffected: its
    words fit). typer makes every help text with ``_make_rich_text``, wrapped here once.
    """
    make = typer.rich_utils._make_rich_text
    if getattr(make, "folds", False):
        return

    def make_folding(**kwargs: Any) -> Any:
        text = make(**kwargs)
        if isinstance(text, Text):
            text.overflow = "fold"
        return text

    make_folding.folds = True  # type: ignore[attr-defined]
    typer.rich_utils._make_rich_text = make_folding


def _translate_command(command: Any) -> None:
    if command.help:
        command.help = _(command.help)
    if command.short_help:
        command.short_help = _(command.short_help)
    command.options_metavar = _("[OPTIONS]")
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
        if param.metavar:
            param.metavar = _(param.metavar)
    # The help option is made on first use; make it now to give it its text.
    help_option = command.get_help_option(click_core.Context(command))
    if help_option is not None:
        help_option.help = _(HELP_OPTION_HELP)
    # The usage line's "Usage: " is fixed inside click's formatter; each command's
    # format_usage is replaced by one that passes the translated prefix (the group's and
    # every subcommand's, including those other modules register).
    command.format_usage = _usage_formatter(command)
    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        command.subcommand_metavar = _("COMMAND [ARGS]...")
        for sub in subcommands.values():
            _translate_command(sub)


def _usage_formatter(command: Any) -> Any:
    def format_usage(ctx: Any, formatter: Any) -> None:
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    return format_usage


# -- usage errors -------------------------------------------------------------------------


def usage_error_text(exc: Any, args: Sequence[str]) -> str:
    """Click's usage error ``exc`` in the catalogue's words, naming the option and value.

    ``args`` are the command line's arguments (where the value given is found).
    """
    param = getattr(exc, "param", None)
    if isinstance(exc, click_errors.NoSuchOption):
        text = _("no such option: {option}").format(option=exc.option_name)
        if exc.possibilities:
            text += _(" (did you mean {options}?)").format(
                options=", ".join(sorted(exc.possibilities))
            )
        return text
    if isinstance(exc, click_errors.MissingParameter):
        name = _param_name(param)
        if param is not None and param.param_type_name == "argument":
            return _("missing argument {name}").format(name=name)
        return _("missing option {name}").format(name=name)
    if isinstance(exc, click_errors.BadOptionUsage):
        return _("the option {option} needs a value").format(option=exc.option_name)
    if isinstance(exc, click_errors.BadParameter):
        name = _param_name(param)
        given = _given_value(param, args)
        expected = _expected(param) or exc.message
        if given is None:
            return _("invalid value for {option}: {expected}").format(
                option=name, expected=expected
            )
        return _("invalid value {value!r} for {option}: {expected}").format(
            value=given, option=name, expected=expected
        )
    message = exc.format_message()
    if match := re.match(r"No such command '(.*)'", message):
        return _("no such command: {name}").format(name=match.group(1))
    if match := re.match(r"Got unexpected extra arguments? \((.*)\)", message):
        return _("unexpected extra arguments: {args}").format(args=match.group(1))
    if message.startswith("Missing command"):
        return _("missing command")
    # TRANSLATORS: a usage error click words itself (rare); {message} stays English.
    return _("cannot use the command line: {message}").format(message=message)


def _param_name(param: Any) -> str:
    if param is None:
        return "?"
    if param.param_type_name == "argument":
        return str(param.metavar or param.name or "").upper() or "?"
    return "/".join(param.opts)


def _given_value(param: Any, args: Sequence[str]) -> str | None:
    """The value given on the command line to option ``param`` (the last one)."""
    if param is None or param.param_type_name != "option":
        return None
    value = None
    for k, arg in enumerate(args):
        for opt in param.opts:
            if arg == opt and k + 1 < len(args):
                value = args[k + 1]
            elif arg.startswith(opt + "="):
                value = arg.split("=", 1)[1]
    return value


def _expected(param: Any) -> str | None:
    """What the option takes, in words (None when the error's own words must do)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if annotation is int:
        return _("a whole number")
    if annotation is float:
        return _("a number")
    return None


def print_usage_error(exc: Any, args: Sequence[str]) -> NoReturn:
    """Print a usage error in the current language and exit 2."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        _err.print(ctx.get_usage(), markup=False, highlight=False)
    _err.print(
        _("error: {message}").format(message=usage_error_text(exc, args)),
        markup=False,
        highlight=False,
    )
    if ctx is not None:
        _err.print(
            _("see '{command} --help'").format(command=ctx.command_path),
            markup=False,
            highlight=False,
        )
    sys.exit(EXIT_USAGE)


# -- the entry point ----------------------------------------------------------------------


class CultplanApp(typer.Typer):
    """The ``cultplan`` typer app, whose call (the console script) chooses the language
    first, then runs the command with its usage errors in the catalogue's words."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line (``sys.argv``); never returns."""
        run(self)


def run(app: typer.Typer, argv: Sequence[str] | None = None) -> NoReturn:
    """Run ``cultplan`` with ``argv`` (default ``sys.argv[1:]``) and exit with its code."""
    args, value = language_arguments(sys.argv[1:] if argv is None else argv)
    try:
        choose_language(value)
    except UnknownLanguageError as exc:
        # Told in the language of CULTPLAN_LANG when that one is known (the default if not).
        with contextlib.suppress(UnknownLanguageError):
            set_language(language_from_env())
        _err.print(unknown_language_text(exc, value is not None), markup=False)
        sys.exit(EXIT_USAGE)
    try:
        command = typer.main.get_command(app)
        translate_help(command)
        code = command.main(args=args, prog_name="cultplan", standalone_mode=False)
    except click_errors.NoArgsIsHelpError:
        sys.exit(EXIT_USAGE)  # the help is printed already
    except click_errors.UsageError as exc:
        print_usage_error(exc, args)
    except click_errors.ClickException as exc:
        _err.print(_("error: {message}").format(message=exc.format_message()), markup=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err.print(_("Aborted."), markup=False)
        sys.exit(1)
    except Exception as exc:  # outside a command (which has its own guard): a bug
        if os.environ.get("CULTPLAN_TRACEBACK") == "1":
            raise
        report_bug(exc)
        _exit(EXIT_BUG)
    _exit(code if isinstance(code, int) else 0)


def _exit(code: int) -> NoReturn:
    """Exit with ``code``; at once if a thread of the solve is still running.

    A solve joins every thread it starts before it returns
    (:meth:`planner.solver.control.SolveControl.close`); should a thread still run here
    all the same, the interpreter's shutdown around a solver thread running in native
    code would end the process with SIGABRT. By now every output is written and closed,
    so leaving without that shutdown loses nothing.
    """
    if any(t.is_alive() for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
