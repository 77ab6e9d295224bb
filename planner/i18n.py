"""One message catalogue: every planner- and committee-facing text, in the reader's language.

Texts are written in the code in English, marked for the catalogue with :func:`_` (a text
used at once), :func:`N_` (a text stored now and translated where it is shown, such as a
table of reasons) or :func:`ngettext` (a text with a count). Babel extracts them into
``planner/locale/cultplan.pot``; the Simplified Chinese catalogue
``planner/locale/zh_CN/LC_MESSAGES/cultplan.po`` gives each its Chinese form (see
``docs/i18n.md`` for the two commands that refresh it). A test fails when a marked text
lacks its Chinese form or its placeholders differ.

The language is Simplified Chinese (``zh_CN``) unless ``CULTPLAN_LANG`` names another, or
the caller chooses one with :func:`use_language` (the command line's ``--lang``, a web
request's language). English (``en``) is the texts as written. The choice is a context
variable, so that a service can answer two requests in two languages at once.

Placeholders are named (``{unit}``, ``{weeks}``) and filled with :meth:`str.format` after
translation, so that a translation may put them in its own order.

This module imports nothing from the project, so that every layer may use it.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

#: The gettext domain: the catalogue's file name.
DOMAIN = "cultplan"
#: Where the catalogues live: ``<LOCALE_DIR>/<language>/LC_MESSAGES/cultplan.po``.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The language of every text unless another is chosen.
DEFAULT_LANGUAGE = "zh_CN"
#: The environment variable that chooses the language of a process.
LANGUAGE_ENV = "CULTPLAN_LANG"
#: The languages offered, each named in itself (for a language menu).
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
#: The language the texts are written in (its catalogue is the texts themselves).
SOURCE_LANGUAGE = "en"

# Spellings accepted for each language, compared in lower case with '-' read as '_'.
_ALIASES: dict[str, str] = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh_hans": "zh_CN",
    "zh_hans_cn": "zh_CN",
    "zh_cn.utf-8": "zh_CN",
    "zh_cn.utf8": "zh_CN",
    "cn": "zh_CN",
    "chinese": "zh_CN",
    "中文": "zh_CN",
    "简体中文": "zh_CN",
    "en": "en",
    "en_us": "en",
    "en_gb": "en",
    "en_us.utf-8": "en",
    "en_us.utf8": "en",
    "english": "en",
}

_chosen: ContextVar[str | None] = ContextVar("cultplan_language", default=None)
# The language a command chose for its whole process (set_language), below a context's own.
_process_language: str | None = None


class UnknownLanguageError(ValueError):
    """A language that has no catalogue was asked for.

    Parameters
    ----------
    value
        The language as given.
    """

    def __init__(self, value: str) -> None:
        self.value = value
        offered = ", ".join(LANGUAGES)
        super().__init__(
            _("unknown language {value!r}; the languages are {offered}").format(
                value=value, offered=offered
            )
        )


def normalize_language(value: str) -> str:
    """Return the catalogue name of a language as a planner may write it.

    ``"zh"``, ``"zh-CN"``, ``"zh_Hans"`` and ``"中文"`` give ``"zh_CN"``; ``"en"``,
    ``"en-US"`` and ``"English"`` give ``"en"``; an encoding or a modifier
    (``"zh_CN.UTF-8"``, ``"en_US.utf8@euro"``) is ignored.

    Raises
    ------
    UnknownLanguageError
        When no catalogue answers to ``value``.
    """
    name = _lookup(value)
    if name is None:
        raise UnknownLanguageError(value)
    return name


def _lookup(value: str) -> str | None:
    # A locale as the system writes it (``zh_CN.UTF-8``, ``en_US.utf8@euro``): the
    # encoding and the modifier say nothing about the language.
    name = value.strip().split("@", 1)[0].split(".", 1)[0]
    return _ALIASES.get(name.lower().replace("-", "_"))


def language_from_env() -> str:
    """Return the language ``CULTPLAN_LANG`` chooses, or the default when it is unset.

    Raises
    ------
    UnknownLanguageError
        When the variable names no language (the command line reports it; see
        :func:`current_language` for the lenient reading).
    """
    value = os.environ.get(LANGUAGE_ENV, "").strip()
    return normalize_language(value) if value else DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language texts are given in now.

    The language chosen by :func:`use_language` in this context, else the one
    :func:`set_language` chose for the process, else ``CULTPLAN_LANG``, else
    :data:`DEFAULT_LANGUAGE`. An unknown value of the variable reads as the default
    here, so that a library call never fails on it; the command line refuses it with a
    message.
    """
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    if _process_language is not None:
        return _process_language
    value = os.environ.get(LANGUAGE_ENV, "").strip()
    return (_lookup(value) if value else None) or DEFAULT_LANGUAGE


def set_language(language: str) -> str:
    """Choose the language of the whole process (a command) and return its name.

    Every thread speaks it unless a :func:`use_language` block around it chooses
    another: a solve's helper threads start in fresh contexts, so a command's choice
    must not live only in the context variable.

    Raises
    ------
    UnknownLanguageError
        When ``language`` has no catalogue.
    """
    global _process_language
    name = normalize_language(language)
    _process_language = name
    _chosen.set(name)
    return name


@contextmanager
def use_language(language: str) -> Iterator[str]:
    """Give texts in ``language`` inside the ``with`` block (yields its catalogue name).

    Raises
    ------
    UnknownLanguageError
        When ``language`` has no catalogue.
    """
    token = _chosen.set(normalize_language(language))
    try:
        yield _chosen.get() or DEFAULT_LANGUAGE
    finally:
        _chosen.reset(token)


def catalogue_path(language: str) -> Path:
    """Return the ``.po`` file of a language's catalogue."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Return the translations of a language, compiled once from its ``.po`` file.

    The ``.po`` file is the only form kept in the repository (no compiled ``.mo`` to go
    stale); Babel compiles it in memory on first use.
    """
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """Return ``message`` in the current language."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the form of a counted text for ``n`` in the current language.

    Chinese has one form; English picks ``singular`` for 1 and ``plural`` otherwise.
    The count is not filled in: format the result with it.
    """
    return translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Return ``message`` in the current language, told apart by ``context``.

    For short texts that translate differently by use (``"set"`` as a book set or as a
    verb).
    """
    return translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now.

    For texts stored in tables at import time; translate them with :func:`_` where they
    are shown.
    """
    return message


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_ENV",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "UnknownLanguageError",
    "_",
    "catalogue_path",
    "current_language",
    "language_from_env",
    "ngettext",
    "normalize_language",
    "pgettext",
    "set_language",
    "translations",
    "use_language",
]
