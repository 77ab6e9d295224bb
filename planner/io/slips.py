"""Slips of a Chinese input method: full-width punctuation where YAML needs ASCII.

A planner typing with a Chinese input method writes ``：`` for ``:``, ``，`` for ``,``,
``（）`` for brackets, ``“”`` for quotes and an ideographic space for a space. YAML reads
none of them as punctuation: the file then breaks somewhere later, or a value reads as
text. The problem then names the character and the line it is on, with what to write
instead. Characters inside quotes or a comment are part of a text and never named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.i18n import N_, _
from planner.scenario import Problem
from planner.scenario.messages import message

#: Each full-width character YAML does not read as punctuation, with the text naming it.
FULLWIDTH: dict[str, str] = {
    "：": N_("full-width colon '{char}' on line {line}; write an ASCII colon and a space (': ')"),
    "，": N_(
        "full-width comma '{char}' on line {line}; separate items with an ASCII comma and a "
        "space (', ')"
    ),
    "；": N_(
        "full-width semicolon '{char}' on line {line}; separate items with an ASCII comma and "
        "a space (', ')"
    ),
    "（": N_(
        "full-width bracket '{char}' on line {line}; write a list as [a, b] and a mapping as "
        "{{key: value}}, with ASCII brackets"
    ),
    "）": N_(
        "full-width bracket '{char}' on line {line}; write a list as [a, b] and a mapping as "
        "{{key: value}}, with ASCII brackets"
    ),
    "“": N_(
        "full-width quotation mark '{char}' on line {line}; quote with ASCII quotes (\" or ') "
        "or leave the quotes out"
    ),
    "”": N_(
        "full-width quotation mark '{char}' on line {line}; quote with ASCII quotes (\" or ') "
        "or leave the quotes out"
    ),
    "‘": N_(
        "full-width quotation mark '{char}' on line {line}; quote with ASCII quotes (\" or ') "
        "or leave the quotes out"
    ),
    "’": N_(
        "full-width quotation mark '{char}' on line {line}; quote with ASCII quotes (\" or ') "
        "or leave the quotes out"
    ),
    "\u3000": N_("full-width space (U+3000) on line {line}; write ASCII spaces"),
}


def hint(char: str, line: int) -> str:
    """The text that names a full-width character on a (1-based) line."""
    return _(FULLWIDTH[char]).format(char=char, line=line)


def hints(chars: Sequence[str], line: int) -> list[str]:
    """The texts naming full-width characters of one line; the two of a pair (``（）``,
    ``“”``) are named in one text."""
    grouped: dict[str, str] = {}
    for ch in chars:
        grouped[FULLWIDTH[ch]] = grouped.get(FULLWIDTH[ch], "") + ch
    return [_(template).format(char=group, line=line) for template, group in grouped.items()]


def slips_on_line(text: str) -> list[str]:
    """The full-width characters of one line outside quotes and comments, in order,
    each once."""
    found: list[str] = []
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and (i == 0 or text[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            break
        elif ch in FULLWIDTH and ch not in found:
            found.append(ch)
    return found


def line_slips(text: str, lines: Iterable[int]) -> list[Problem]:
    """A problem for each full-width character on the given (1-based) lines of ``text``,
    or a tab in their indentation."""
    rows = text.split("\n")
    out: list[Problem] = []
    for number in sorted(set(lines)):
        if not 1 <= number <= len(rows):
            continue
        row = rows[number - 1]
        if "\t" in row[: len(row) - len(row.lstrip(" \t\u3000"))]:
            out.append(Problem((), message("tab_on_line", line=number), number))
        out.extend(Problem((), text, number) for text in hints(slips_on_line(row), number))
    return out


def _names(text: str, char: str) -> bool:
    """Whether a problem's text names the character alone (``'，'``, ``“，”``): it then
    already says what to write instead."""
    return f"'{char}'" in text or f"“{char}”" in text


def tab_slips(text: str) -> list[Problem]:
    """A problem for each line of ``text`` with a tab in its indentation.

    A parse stops at the first one; naming them all lets the planner fix them at once.
    """
    out: list[Problem] = []
    for number, row in enumerate(text.split("\n"), start=1):
        if "\t" in row[: len(row) - len(row.lstrip(" \t\u3000"))]:
            out.append(Problem((), message("tab_on_line", line=number), number))
    return out


def explained(problems: Sequence[Problem], text: str) -> list[Problem]:
    """The problems, each whose value shows a full-width character of its line told
    what to write instead.

    Only a character that the problem's own text shows (the value it could not use, a
    key it does not know, an id it cannot find) is named, so that a name written with
    Chinese brackets on the same line is left alone.
    """
    rows = text.split("\n")
    out: list[Problem] = []
    for p in problems:
        if p.line is None or not 1 <= p.line <= len(rows):
            out.append(p)
            continue
        shown = [
            ch
            for ch in slips_on_line(rows[p.line - 1])
            if (ch in p.message or ascii(ch)[1:-1] in p.message) and not _names(p.message, ch)
        ]
        if not shown:
            out.append(p)
            continue
        text_with = p.message
        for text_of in hints(shown, p.line):
            text_with = message("with_hint", problem=text_with, hint=text_of)
        out.append(Problem(p.loc, text_with, p.line, p.ref))
    return out


__all__ = ["FULLWIDTH", "explained", "hint", "hints", "line_slips", "slips_on_line", "tab_slips"]
