"""The calendar page prints on one A4 sheet with Chinese glyphs: rendered for real in
headless Chromium, its PDF's pages counted and its fonts read with pypdf.

Chromium and a CJK font are requirements of the test suite (README, "Requirements");
without them these tests fail and say how to install them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.baseline import plan_baseline
from planner.i18n import use_language
from planner.io.calendar_entries import calendar_entries
from planner.io.calendars import calendar_stem, write_calendars
from planner.plan import Plan
from planner.scenario import Committee, Scenario
from planner.validate import check_plan

INSTALL = "apt-get install -y chromium fonts-noto-cjk"
#: Fonts that carry Chinese glyphs, as PDF base font names spell them.
CJK_FONT = re.compile(r"CJK|SourceHan|YaHei|PingFang|Hiragino|WenQuanYi|Noto ?Sans ?SC", re.I)


def chromium() -> str:
    """The Chromium executable; the test fails (it does not skip) without one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.fail(f"Chromium is needed to check the printed calendars: {INSTALL}")


def print_to_pdf(html: Path, pdf: Path) -> None:
    """Print a page to PDF with headless Chromium in a fresh profile, without a network."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert pdf.is_file(), f"Chromium printed nothing (exit {proc.returncode}): {proc.stderr}"


def font_names(reader: PdfReader) -> set[str]:
    """The names of the fonts used on a PDF's pages (from their descriptors: Chromium
    embeds CJK fonts as Type 3 fonts, which have no base font name)."""
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            font: Any = ref.get_object()
            descriptor: Any = font.get("/FontDescriptor")
            if descriptor is not None:
                names.add(str(descriptor.get_object().get("/FontName", "")))
            names.add(str(font.get("/BaseFont", "")))
    return names - {""}


@pytest.fixture(scope="module")
def reference_plan(reference: Scenario) -> Plan:
    """The spreadsheet baseline's plan of the reference scenario (it keeps every rule)."""
    plan = plan_baseline(reference)
    assert check_plan(reference, plan) == []
    return plan


def busiest(scenario: Scenario, plan: Plan, count: int) -> list[Committee]:
    """The committees whose calendars have the most rows, most first."""
    rows = {
        c.id: len(calendar_entries(scenario, plan.for_committee(c.id), c.id))
        for c in scenario.committees
    }
    return sorted(scenario.committees, key=lambda c: -rows[c.id])[:count]


@pytest.fixture(scope="module")
def printed(reference: Scenario, reference_plan: Plan) -> Iterator[Path]:
    """The reference plan's calendars in Chinese, in a folder of their own."""
    with tempfile.TemporaryDirectory() as folder, use_language("zh_CN"):
        write_calendars(reference, reference_plan, folder)
        yield Path(folder)


def test_busiest_calendars_print_on_one_page_in_chinese(
    reference: Scenario, reference_plan: Plan, printed: Path
) -> None:
    """The three busiest committees' pages of the reference plan print on exactly one A4
    page each, set in a font with Chinese glyphs."""
    for c in busiest(reference, reference_plan, 3):
        html = printed / f"{calendar_stem(c)}.html"
        pdf = html.with_suffix(".pdf")
        print_to_pdf(html, pdf)
        reader = PdfReader(pdf)
        assert len(reader.pages) == 1, f"{c.id}'s calendar prints on {len(reader.pages)} pages"
        box = reader.pages[0].mediabox
        # A4 is 595 x 842 points.
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        fonts = font_names(reader)
        assert any(CJK_FONT.search(f) for f in fonts), (
            f"no font with Chinese glyphs in {sorted(fonts)}: {INSTALL}"
        )


def test_busiest_calendar_prints_on_one_page_in_english(
    reference: Scenario, reference_plan: Plan, tmp_path: Path
) -> None:
    """The busiest committee's page prints on one page in English too, whose texts run
    longer than the Chinese (its fitness sessions name their course's weeks)."""
    top = busiest(reference, reference_plan, 1)[0]
    with use_language("en"):
        write_calendars(reference, reference_plan, tmp_path)
    print_to_pdf(tmp_path / f"{calendar_stem(top)}.html", tmp_path / "en.pdf")
    pages = len(PdfReader(tmp_path / "en.pdf").pages)
    assert pages == 1, f"{top.id}'s English calendar prints on {pages} pages"


@pytest.mark.slow
def test_every_calendar_prints_on_one_page(
    reference: Scenario, reference_plan: Plan, printed: Path, tmp_path: Path
) -> None:
    """Every committee's page of the reference plan prints on one page, in Chinese and,
    for the busiest committee, in English."""
    for c in reference.committees:
        html = printed / f"{calendar_stem(c)}.html"
        print_to_pdf(html, tmp_path / f"{c.id}.pdf")
        assert len(PdfReader(tmp_path / f"{c.id}.pdf").pages) == 1, c.id
    with use_language("en"):
        write_calendars(reference, reference_plan, tmp_path / "en")
    top = busiest(reference, reference_plan, 1)[0]
    print_to_pdf(tmp_path / "en" / f"{calendar_stem(top)}.html", tmp_path / "en.pdf")
    assert len(PdfReader(tmp_path / "en.pdf").pages) == 1
