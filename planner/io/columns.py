"""Column headers and text cells of the CSV files cultplan writes and reads.

Every column has a stable English key (``committee_id``, ``first_week``): the key is
what programs use. ``deliveries.csv`` is the exchange format and always carries the
keys as its header; the files planners only read (``coverage.csv``, ``unmet.csv``,
``utilisation.csv``) carry the labels of the current language (Chinese by default; in
English the keys themselves). :func:`header_keys` maps either back to the keys, so a
plan whose header a planner translated reads as well, and :func:`read_output_csv`
gives analysts the keys whatever language wrote the file.

Text cells that start with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return)
are formulas to a spreadsheet, which would run them on opening ("CSV injection"). Names
and themes come from a scenario file that anyone may have written, so such cells are
written behind an apostrophe (:func:`neutralise`), which spreadsheets read as "text",
and the apostrophe is taken off again on reading (:func:`restore`). Numbers and dates
are never touched: ``-1`` stays a number. cultplan itself never evaluates a cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from planner.i18n import pgettext, translations
from planner.scenario import Product
from planner.wording import PRODUCT_NAMES, product_name

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What is put before such a text cell (spreadsheets show the rest as text).
TEXT_MARK = "'"
#: The column that holds a product: its key in deliveries.csv, its name in the files
#: planners only read.
PRODUCT_COLUMN = "product"
#: Ratio columns, rounded to :data:`RATIO_DECIMALS` in the files planners read.
RATIO_COLUMNS = ("coverage", "baseline_coverage", "utilisation")
RATIO_DECIMALS = 4


def column_label(key: str) -> str:
    """The header of column ``key`` in the current language (the key itself in English)."""
    labels = _labels()
    return labels.get(key, key)


def _labels() -> dict[str, str]:
    """Every column's header in the current language, by key.

    Each label is its own catalogue entry, in the context ``column``; within one file
    no two columns may share a label (a test checks every file's columns).
    """
    return {
        # TRANSLATORS: CSV column headers. The English text is the stable column key and
        # stays in deliveries.csv; give a short Chinese header.
        "delivery_id": pgettext("column", "delivery_id"),
        "committee_id": pgettext("column", "committee_id"),
        "committee_name": pgettext("column", "committee_name"),
        "grid_id": pgettext("column", "grid_id"),
        "product": pgettext("column", "product"),
        "resource_id": pgettext("column", "resource_id"),
        "resource_name": pgettext("column", "resource_name"),
        "theme": pgettext("column", "theme"),
        "first_week": pgettext("column", "first_week"),
        "last_week": pgettext("column", "last_week"),
        "first_date": pgettext("column", "first_date"),
        "last_date": pgettext("column", "last_date"),
        "demand_id": pgettext("column", "demand_id"),
        "population": pgettext("column", "population"),
        "requested": pgettext("column", "requested"),
        "delivered": pgettext("column", "delivered"),
        "coverage": pgettext("column", "coverage"),
        "baseline_coverage": pgettext("column", "baseline_coverage"),
        "reason": pgettext("column", "reason"),
        "explanation": pgettext("column", "explanation"),
        "unit_id": pgettext("column", "unit_id"),
        "name": pgettext("column", "name"),
        "used": pgettext("column", "used"),
        "available": pgettext("column", "available"),
        "utilisation": pgettext("column", "utilisation"),
        "week": pgettext("column", "week"),
        "week_start": pgettext("column", "week_start"),
        "subdistrict_id": pgettext("column", "subdistrict_id"),
        "subdistrict_name": pgettext("column", "subdistrict_name"),
        "centre_name": pgettext("column", "centre_name"),
        "handed_over": pgettext("column", "handed_over"),
        "in_use": pgettext("column", "in_use"),
    }


def chinese_labels() -> dict[str, str]:
    """Every column's Chinese header, by key, whatever the current language."""
    catalogue = translations("zh_CN")
    return {key: catalogue.pgettext("column", key) for key in _labels()}


def header_keys(header: Iterable[str], keys: Iterable[str]) -> list[str | None]:
    """Map a file's header cells to column keys.

    A cell is a key (in any case) or a key's label in the current language or in
    Chinese; spaces around it are ignored. Cells that name no key give None.
    """
    known = list(keys)
    names: dict[str, str] = {}
    chinese = chinese_labels()
    current = _labels()
    for key in known:
        for name in (key, chinese.get(key, key), current.get(key, key)):
            names.setdefault(name.strip().casefold(), key)
    return [names.get(cell.strip().casefold()) for cell in header]


def product_of(text: str) -> Product | None:
    """The product a cell names, or None: its key (``book_set``, any case) or its name in
    English or Chinese (``books``, ``图书``), as cultplan prints it in either language."""
    wanted = text.strip().casefold()
    chinese = translations("zh_CN")
    for product in Product:
        english = PRODUCT_NAMES[product]
        names = (product.value, english, chinese.gettext(english), product_name(product))
        if wanted in {name.casefold() for name in names}:
            return product
    return None


def labelled(frame: pd.DataFrame, text_columns: Iterable[str] = ()) -> pd.DataFrame:
    """A copy of ``frame`` for a planner: text cells neutralised, products named in the
    current language, ratios rounded to :data:`RATIO_DECIMALS`, headers translated."""
    out = frame.copy()
    for column in text_columns:
        if column in out.columns:
            out[column] = out[column].map(lambda v: neutralise(v) if isinstance(v, str) else v)
    if PRODUCT_COLUMN in out.columns:
        out[PRODUCT_COLUMN] = out[PRODUCT_COLUMN].map(
            lambda v: product_name(Product(v)) if isinstance(v, str) else v
        )
    for column in RATIO_COLUMNS:
        if column in out.columns:
            out[column] = out[column].round(RATIO_DECIMALS)
    return out.rename(columns={c: column_label(c) for c in out.columns})


def read_output_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV file of an output folder with the stable column keys as its header.

    ``coverage.csv``, ``unmet.csv`` and ``utilisation.csv`` have Chinese headers when
    written in Chinese; this gives the same DataFrame whatever language wrote them, the
    apostrophes of :func:`neutralise` taken off text cells and the products named by
    their keys (``book_set``) again.
    """
    frame = pd.read_csv(path, encoding="utf-8-sig")
    mapped = header_keys(frame.columns, _labels())
    frame.columns = [key or str(c) for key, c in zip(mapped, frame.columns, strict=True)]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: restore(v) if isinstance(v, str) else v)
    if PRODUCT_COLUMN in frame.columns:
        frame[PRODUCT_COLUMN] = frame[PRODUCT_COLUMN].map(_product_key)
    return frame


def _product_key(value: object) -> object:
    """A product name read back as its key; other values as they are."""
    product = product_of(value) if isinstance(value, str) else None
    return product.value if product is not None else value


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows but never runs it (see the module's docstring)."""
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: ``'=x`` reads as ``=x``; other text is left as it is."""
    if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def keyed(row: Mapping[str, str], key: str) -> str:
    """A row's cell for ``key``, stripped, with a neutralising apostrophe taken off."""
    return restore((row.get(key) or "").strip())
