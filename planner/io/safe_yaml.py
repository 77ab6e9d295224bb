"""Reading YAML that may be hostile or mistyped: limits, duplicated keys, located slips.

A scenario file comes from a planner's editor, a spreadsheet export or another program.
Before its content is built, the file must be of a sane size, UTF-8, nested no deeper
than :data:`MAX_DEPTH` and, once aliases are expanded, no larger than
:data:`MAX_NODES` YAML nodes (a few nested aliases can otherwise stand for billions of
nodes). A key given twice in one mapping is a problem too: YAML keeps the last one
silently. Common slips (a tab in the indentation, a full-width colon typed with a
Chinese input method) get a message naming them and their line.

The text is composed once into a node tree (which keeps every line) and built from
that tree, so a bad file's problems find their lines without a second parse.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml import MappingNode, ScalarNode, SequenceNode

from planner.io.slips import hint, line_slips, tab_slips
from planner.scenario import Loc, Problem, ScenarioError
from planner.scenario.messages import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    message,
    os_error_text,
)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: A key of the format (ASCII letters, digits, ``_``) followed by a full-width colon.
_FULLWIDTH_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*：", re.MULTILINE)
_UTF16_BOMS = ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def read_text(path: Path) -> str:
    """Return a file's text: at most :data:`MAX_FILE_BYTES` bytes of UTF-8.

    A UTF-8 byte-order mark (as some Windows editors write) is dropped.

    Raises
    ------
    ScenarioError
        When the file cannot be read, is too large, or is not UTF-8.
    """
    source = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ScenarioError(source, [Problem((), message("not_a_file"))])
        if size > MAX_FILE_BYTES:
            text = message("limit_file_size", size=size, limit=MAX_FILE_BYTES)
            raise ScenarioError(source, [Problem((), text)])
        raw = path.read_bytes()
    except OSError as exc:
        reason = os_error_text(exc)
        raise ScenarioError(source, [Problem((), message("unreadable", reason=reason))]) from None
    return decode(raw, source)


def decode(raw: bytes, source: str) -> str:
    """Decode a file's bytes as UTF-8, naming the first bad byte and its line if not."""
    for bom, encoding in _UTF16_BOMS:
        if raw.startswith(bom):
            raise ScenarioError(source, [Problem((), message("utf16", encoding=encoding), 1)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            name = "not_utf8_gbk"
        except UnicodeDecodeError:
            name = "not_utf8"
        text = message(name, byte=raw[exc.start], offset=exc.start, column=column)
        raise ScenarioError(source, [Problem((), text, line)]) from None
    return text.removeprefix("\ufeff")


def load(text: str, source: str) -> tuple[Any, yaml.Node, list[Problem]]:
    """Parse YAML text within the limits; return its data, node tree and duplicated keys.

    Duplicated keys are returned (not raised) so that they are reported together with
    every other problem of the file.

    Raises
    ------
    ScenarioError
        When the text is empty, malformed, or over a limit (which one is said).
    """
    # A character is at most 4 bytes of UTF-8: most texts need no encoding to tell.
    if len(text) * 4 > MAX_FILE_BYTES and len(text.encode("utf-8")) > MAX_FILE_BYTES:
        size = len(text.encode("utf-8"))
        limit = message("limit_file_size", size=size, limit=MAX_FILE_BYTES)
        raise ScenarioError(source, [Problem((), limit)])
    if not text.strip():
        raise ScenarioError(source, [Problem((), message("empty"))])
    loader = _LOADER(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise ScenarioError(source, _syntax_problems(exc, text)) from None
        except RecursionError:  # the pure-Python parser, on deep nesting
            problem = Problem((), message("limit_depth", limit=MAX_DEPTH))
            raise ScenarioError(source, [problem]) from None
        if node is None:
            raise ScenarioError(source, [Problem((), message("empty"))])
        duplicates = _walk(node, source)
        try:
            data = loader.construct_document(node)
        except yaml.YAMLError as exc:  # an unknown tag, an unhashable key
            raise ScenarioError(source, _syntax_problems(exc, text)) from None
        except (ValueError, TypeError, OverflowError):  # 2027-02-30, !!int x
            raise ScenarioError(source, [_unreadable_value(node)]) from None
    finally:
        loader.dispose()
    return data, node, duplicates


def _unreadable_value(root: yaml.Node) -> Problem:
    """The first value of the tree that YAML cannot build, with its line.

    Only a failed file pays for this second look, one value at a time.
    """
    constructor = yaml.constructor.SafeConstructor()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            try:
                constructor.construct_object(node)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                text = message("bad_value", value=node.value, reason=exc)
                return Problem((), text, node.start_mark.line + 1)
        else:
            children = _flat_children(node)
            stack.extend(reversed(children))
    return Problem((), message("bad_value", value="?", reason="unknown"))


def fullwidth_colons(text: str) -> list[Problem]:
    """Lines where a key is followed by a full-width colon, each as a problem."""
    return [
        Problem((), message("fullwidth_colon", key=m.group(1)), text.count("\n", 0, m.start()) + 1)
        for m in _FULLWIDTH_KEY.finditer(text)
    ]


def _syntax_problems(exc: yaml.YAMLError, text: str) -> list[Problem]:
    """The problems of a YAML syntax error, naming the likely slip where there is one."""
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts bytes of the UTF-8 text, the pure-Python reader characters.
        if exc.encoding == "unicode":
            at = text.count("\n", 0, exc.position) + 1
        else:
            at = text.encode("utf-8").count(b"\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return [Problem((), message("control_character", code=code), at)]
    mark = getattr(exc, "problem_mark", None)
    line: int | None = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    colons = fullwidth_colons(text)
    # Every tab and full-width colon of the file is named at once, not only the first
    # the parser stumbled on, so that the planner fixes them in one go.
    found = _dedupe([*colons, *tab_slips(text)])
    if any(line is None or (p.line or 0) <= line for p in colons):
        # The parser stumbles a line or more after the real slip.
        return found
    if "maximum nesting depth" in problem:
        return [Problem((), message("limit_depth", limit=MAX_DEPTH), line)]
    malformed = Problem((), message("malformed", problem=problem), line)
    if line is None:
        return [*found, malformed]
    colon_lines = {p.line for p in colons}
    near = [
        p
        for p in line_slips(text, _near(text, line))
        if not (p.line in colon_lines and p.message == hint("：", p.line or 0))
    ]
    slips = _dedupe([*found, *near])
    if any(p.line == line for p in slips):
        # A slip on the line the parser stopped at is its cause; YAML's words add nothing.
        return slips
    return [*slips, malformed]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """The problems in line order, each once."""
    seen: set[tuple[int | None, str]] = set()
    out: list[Problem] = []
    for p in sorted(problems, key=lambda p: p.line or 0):
        if (p.line, p.message) not in seen:
            seen.add((p.line, p.message))
            out.append(p)
    return out


def _near(text: str, line: int) -> list[int]:
    """The (1-based) line the parser stopped at and the last non-blank line before it:
    a slip often breaks the file only at the next line."""
    rows = text.split("\n", line)
    before = [i + 1 for i in range(min(line, len(rows)) - 1) if rows[i].strip()]
    return [*before[-1:], line]


def _walk(root: yaml.Node, source: str) -> list[Problem]:
    """Check nesting and size limits; return the duplicated keys of every mapping.

    A list or mapping reached twice is an alias; only then is the expanded size
    counted (:func:`_expanded_size`), since without aliases the node tree is the
    document.
    """
    duplicates: list[tuple[MappingNode, ScalarNode, int]] = []
    if type(root) is ScalarNode:
        return []
    seen: set[int] = set()
    shared = False
    nodes = 1
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line = node.start_mark.line + 1
            problem = Problem((), message("limit_depth", limit=MAX_DEPTH), line)
            raise ScenarioError(source, [problem])
        if isinstance(node, MappingNode):
            children = _mapping_children(node, duplicates)
        else:
            children = node.value
        nodes += len(children)
        for child in children:
            if type(child) is ScalarNode:
                continue
            if id(child) in seen:
                shared = True
                continue
            seen.add(id(child))
            stack.append((child, depth + 1))
    if shared:
        nodes, depth = _expanded_size(root, source)
        if depth > MAX_DEPTH:
            raise ScenarioError(source, [Problem((), message("limit_depth", limit=MAX_DEPTH))])
    if nodes > MAX_NODES:
        raise ScenarioError(source, [Problem((), message("limit_nodes", limit=MAX_NODES))])
    if not duplicates:
        return []
    places = _places(root, {id(mapping) for mapping, _, _ in duplicates})
    return [
        Problem(
            (*places.get(id(mapping), ()), key.value),
            message("duplicate_key", key=key.value, first=first),
            key.start_mark.line + 1,
        )
        for mapping, key, first in duplicates
    ]


def _mapping_children(
    node: MappingNode, duplicates: list[tuple[MappingNode, ScalarNode, int]]
) -> list[yaml.Node]:
    """A mapping's keys and values; a key given twice is added to ``duplicates`` (with
    the line of its first use)."""
    first: dict[tuple[str, str], int] = {}
    children: list[yaml.Node] = []
    for key, value in node.value:
        children.append(key)
        children.append(value)
        if type(key) is not ScalarNode or key.tag == _MERGE_TAG:
            continue
        ident = (key.tag, key.value)
        if ident in first:
            duplicates.append((node, key, first[ident]))
        else:
            first[ident] = key.start_mark.line + 1
    return children


def _places(root: yaml.Node, wanted: set[int]) -> dict[int, Loc]:
    """The place (path of keys and indices) of each wanted collection node."""
    found: dict[int, Loc] = {}
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack and len(found) < len(wanted):
        node, loc = stack.pop()
        if id(node) in found:
            continue
        if id(node) in wanted:
            found[id(node)] = loc
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if type(value) is not ScalarNode:
                    stack.append((value, (*loc, str(key.value))))
        elif isinstance(node, SequenceNode):
            stack.extend((value, (*loc, i)) for i, value in enumerate(node.value))
    return found


def _expanded_size(root: yaml.Node, source: str) -> tuple[int, int]:
    """The node count and depth of the document with every alias expanded.

    Both are memoised per node, so nested aliases cost their node count, not their
    expansion; counting stops once over :data:`MAX_NODES`. A collection that contains
    itself is refused.
    """
    size: dict[int, tuple[int, int]] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _flat_children(node)
        if done:
            inner = [size.get(id(c), (1, 0)) for c in children]
            total = 1 + sum(n for n, _ in inner)
            depth = 1 + max((d for _, d in inner), default=0)
            if total > MAX_NODES:
                return total, depth
            size[id(node)] = (total, depth)
            on_path.discard(id(node))
            continue
        if id(node) in size:
            continue
        on_path.add(id(node))
        stack.append((node, True))
        for child in children:
            if type(child) is ScalarNode or id(child) in size:
                continue
            if id(child) in on_path:
                line = child.start_mark.line + 1
                raise ScenarioError(source, [Problem((), message("recursive_alias"), line)])
            stack.append((child, False))
    return size[id(root)]


def _flat_children(node: yaml.Node) -> list[yaml.Node]:
    """The direct child nodes of a collection (keys and values of a mapping)."""
    if type(node) is MappingNode:
        return [n for pair in node.value for n in pair]
    if type(node) is SequenceNode:
        return list(node.value)
    return []
