"""Tests of the message catalogue: every text has its Chinese form, Chinese is the default."""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from planner import i18n, wording
from planner.i18n import UnknownLanguageError, _, use_language

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _source_messages() -> dict[str, str]:
    """Every marked text in the source of ``planner`` and ``api``, with the file it is
    in (a plural text is keyed by its singular, as in a catalogue)."""
    found: dict[str, str] = {}
    for package in ("planner", "api"):
        for filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT / package), keywords=KEYWORDS
        ):
            key = message[0] if isinstance(message, tuple) else message
            found[key if context is None else f"{context}\x04{key}"] = filename
    return found


def _catalogue() -> dict[str, object]:
    with i18n.catalogue_path("zh_CN").open("rb") as po:
        catalog = read_po(po, locale="zh_CN")
    entries: dict[str, object] = {}
    for m in catalog:
        if not m.id:
            continue
        key = str(m.id[0] if isinstance(m.id, (tuple, list)) else m.id)
        entries[key if m.context is None else f"{m.context}\x04{key}"] = m
    return entries


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The placeholders of a brace-format text: name, conversion and format spec (a
    text may use one name with and without a conversion: ``{key!r}``, ``'{key}: '``)."""
    return sorted(
        (name, conv or "", spec or "")
        for _lit, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    )


def test_every_marked_text_has_its_chinese_form() -> None:
    """Each text marked in the source has a non-empty, non-fuzzy Chinese translation."""
    source = _source_messages()
    assert len(source) > 50
    catalogue = _catalogue()
    missing = sorted(f"{where}: {key!r}" for key, where in source.items() if key not in catalogue)
    assert not missing, "texts not in the zh_CN catalogue (run pybabel extract, update):\n" + (
        "\n".join(missing)
    )
    untranslated = []
    for key in source:
        entry = catalogue[key]
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)  # type: ignore[attr-defined]
        if entry.fuzzy or not all(strings):  # type: ignore[attr-defined]
            untranslated.append(f"{source[key]}: {key!r}")
    assert not untranslated, "texts without a Chinese form:\n" + "\n".join(untranslated)


def test_translations_keep_the_placeholders() -> None:
    """A Chinese form names exactly the placeholders of its English text, so that filling
    it neither fails nor drops a value."""
    wrong = []
    for key, entry in _catalogue().items():
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)  # type: ignore[attr-defined]
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)  # type: ignore[attr-defined]
        want = _fields(ids[0])
        for text in strings:
            if text and _fields(text) != want:
                wrong.append(f"{key!r}: {text!r}")
    assert not wrong, "\n".join(wrong)


def test_catalogue_has_no_leftovers() -> None:
    """Every entry of the catalogue is still used by the source (no stale translations)."""
    stale = sorted(set(_catalogue()) - set(_source_messages()))
    assert not stale, stale


def test_chinese_is_the_default_language() -> None:
    """Without CULTPLAN_LANG a process gives its texts in Simplified Chinese."""
    env = {k: v for k, v in os.environ.items() if k != "CULTPLAN_LANG"}
    code = "from planner import wording; print(wording.weeks_phrase([1, 2, 3, 5]))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "第1–3、5周"


def test_language_is_chosen_per_context() -> None:
    """use_language switches the texts inside its block and restores them after it."""
    with use_language("zh-CN"):
        assert wording.gap_text(0.0123) == "与最优方案相差不超过 1.23%"
        with use_language("en"):
            assert wording.gap_text(0.0123) == "within 1.23 % of the best possible plan"
        assert _("proven optimal") == "已证明最优"
    assert i18n.current_language() == "en"  # the suite's CULTPLAN_LANG


@pytest.mark.parametrize("spelling", ["zh", "zh_CN", "zh-Hans", "中文", " ZH-cn "])
def test_spellings_of_chinese(spelling: str) -> None:
    """The usual ways of writing Simplified Chinese all name its catalogue."""
    assert i18n.normalize_language(spelling) == "zh_CN"


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh_CN.GB18030", "zh_CN"),
        ("en_US.UTF-8", "en"),
        ("en_US.utf8@euro", "en"),
    ],
)
def test_a_system_locale_names_its_language(spelling: str, name: str) -> None:
    """A locale with an encoding or a modifier (as LANG writes it) names its catalogue."""
    assert i18n.normalize_language(spelling) == name


def test_unknown_language_is_refused_with_the_choices() -> None:
    """An unknown language names itself and the languages there are."""
    with pytest.raises(UnknownLanguageError, match=r"'fr'.*zh_CN, en"):
        i18n.normalize_language("fr")


def test_unknown_language_in_the_environment_reads_as_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library call never fails on a bad CULTPLAN_LANG; it speaks the default."""
    monkeypatch.setenv("CULTPLAN_LANG", "klingon")
    assert i18n.current_language() == i18n.DEFAULT_LANGUAGE
    with pytest.raises(UnknownLanguageError):
        i18n.language_from_env()


def test_a_bounded_step_speaks_the_callers_language() -> None:
    """A solve step run in its helper thread gives texts in the language chosen around
    the solve, not the process default (the choice is a context variable)."""
    from planner.params import SolveParams
    from planner.solver.bounded import run_bounded
    from planner.solver.control import SolveControl

    control = SolveControl(SolveParams(time_limit=10))
    with use_language("zh_CN"):
        done, text = run_bounded(lambda: _("proven optimal"), control, "test")
    assert done and text == "已证明最优"


def test_a_commands_language_reaches_every_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """set_language (the command line's --lang) is the language of threads started in
    fresh contexts too, such as the thread a command solves in; use_language still wins
    inside its block."""
    import threading

    monkeypatch.setattr(i18n, "_process_language", None)
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(_("proven optimal")))
    i18n.set_language("zh_CN")
    try:
        thread.start()
        thread.join()
        with use_language("en"):
            assert _("proven optimal") == "proven optimal"
    finally:
        monkeypatch.setattr(i18n, "_process_language", None)
        i18n._chosen.set(None)
    assert seen == ["已证明最优"]
