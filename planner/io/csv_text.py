"""The text of a CSV file a planner saved: its encoding found, its size bounded.

A plan comes back from Excel, WPS or a text editor. Excel on Chinese Windows saves
"CSV" as GBK (GB18030 is its superset), "CSV UTF-8" as UTF-8 with a byte-order mark and
"Unicode text" as UTF-16. The encoding is found the same way every time, so that one
file always reads the same:

1. a byte-order mark: UTF-8, UTF-16 LE or UTF-16 BE (UTF-32 marks are refused);
2. else strict UTF-8 (plain ASCII is UTF-8);
3. else strict GB18030 (which reads GBK and GB2312 files as they are).

Anything else is an input problem naming the first byte UTF-8 could not read: its
offset and line. A NUL byte is refused too (it means UTF-16 without a byte-order mark,
or a file that is not text), and so is a file over :data:`MAX_CSV_BYTES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.i18n import _
from planner.scenario import Problem, ScenarioError
from planner.scenario.messages import os_error_text

#: The largest plan file read: a city's season (about 6,000 committees) writes some
#: 20 MB; a larger file is refused unread.
MAX_CSV_BYTES = 64 * 1024 * 1024

#: Byte-order marks, longest first (a UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str, str | None], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32", None),
    (b"\x00\x00\xfe\xff", "UTF-32", None),
    (b"\xef\xbb\xbf", "UTF-8", "utf-8"),
    (b"\xff\xfe", "UTF-16LE", "utf-16-le"),
    (b"\xfe\xff", "UTF-16BE", "utf-16-be"),
)


@dataclass(frozen=True)
class CsvText:
    """A CSV file's text and the encoding it was read in.

    Attributes
    ----------
    text
        The decoded text, without a byte-order mark.
    encoding
        The encoding's name as planners know it: ``UTF-8``, ``UTF-16LE``, ``UTF-16BE``
        or ``GB18030``.
    bom
        Whether the file started with a byte-order mark.
    """

    text: str
    encoding: str
    bom: bool = False


def read_csv_text(path: str | Path) -> CsvText:
    """Read a CSV file's text in the encoding found (see the module's docstring).

    Raises
    ------
    ScenarioError
        When the file cannot be read, is larger than :data:`MAX_CSV_BYTES`, or is in
        no encoding read here; the problem names the first bad byte and its line.
    """
    source = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise ScenarioError(source, [Problem((), _("not a file"))])
        if size > MAX_CSV_BYTES:
            text = _("the file has {size:,} bytes, more than the limit of {limit:,} bytes")
            raise ScenarioError(source, [Problem((), text.format(size=size, limit=MAX_CSV_BYTES))])
        raw = file.read_bytes()
    except OSError as exc:
        reason = os_error_text(exc)
        text = _("cannot read file: {reason}").format(reason=reason)
        raise ScenarioError(source, [Problem((), text)]) from None
    return decode_csv(raw, source)


def decode_csv(raw: bytes, source: str = "<csv>") -> CsvText:
    """Decode a CSV file's bytes; see :func:`read_csv_text`.

    Raises
    ------
    ScenarioError
        When the bytes are in no encoding read here.
    """
    for bom, name, codec in _BOMS:
        if raw.startswith(bom):
            if codec is None:
                text = _("the file is {encoding}, which is not read; save it as UTF-8")
                raise ScenarioError(source, [Problem((), text.format(encoding=name), 1)])
            return CsvText(_strict(raw[len(bom) :], codec, name, source, len(bom)), name, True)
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        text = _(
            "a NUL byte at offset {offset}: the file is not text, or UTF-16 without a "
            "byte-order mark; save it as UTF-8"
        ).format(offset=offset)
        raise ScenarioError(source, [Problem((), text, _line(raw, offset))])
    try:
        return CsvText(raw.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return CsvText(raw.decode("gb18030"), "GB18030")
    except UnicodeDecodeError:
        pass
    offset = utf8_error.start
    text = _(
        "neither UTF-8 nor GB18030 (GBK): byte 0x{byte:02x} at offset {offset} cannot be "
        "read; save the file as UTF-8 (in Excel: CSV UTF-8)"
    ).format(byte=raw[offset], offset=offset)
    raise ScenarioError(source, [Problem((), text, _line(raw, offset))])


def _strict(raw: bytes, codec: str, name: str, source: str, skipped: int) -> str:
    """Decode ``raw`` (after a byte-order mark of ``skipped`` bytes) or name the bad byte."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        offset = skipped + exc.start
        text = _(
            "not {encoding}: the bytes at offset {offset} cannot be read; save the file as UTF-8"
        ).format(encoding=name, offset=offset)
        # The line of the bad bytes: the line feeds of the text read before them.
        line = raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ScenarioError(source, [Problem((), text, line)]) from None


def _line(raw: bytes, offset: int) -> int:
    """The 1-based line of a byte offset of an ASCII-compatible file."""
    return raw.count(b"\n", 0, offset) + 1
