"""The one YAML reader: plain data from UTF-8 text, safely, with limits, in one pass over LibYAML's events.

Reading builds plain data (maps, lists, strings, numbers, booleans, null) straight from the parser's
events, with PyYAML's safe resolution rules, and refuses what would hurt as it goes: bytes that are not
UTF-8, inputs over a size cap, duplicate keys, nesting deeper than a limit, more items in one list than a
limit, alias bombs (an alias shares an object in memory, but anything that walks the data, from hashing to
dumping, would expand it; the expanded size is counted as the events arrive), recursive aliases and every
tag that is not plain data (`!!python/...`, `!!binary`, `!!set`, custom tags). Events, not PyYAML's
composer, because the composer recurses in C (deep input could overflow the stack) and composing plus
constructing takes twice as long as this loop. Writing is `yamldump`'s.
"""

from __future__ import annotations

import gc
import os
import re
import sys

import yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class PurePythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python reader, scanner and parser, with LibYAML's parser interface: the same events,
    slower; for PyYAML without LibYAML (e.g. the single-file build, docs/install.md)."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)

    def scan_flow_scalar_non_spaces(self, double: bool, start_mark: Any) -> list[str]:
        """Refuse an escape that names no Unicode character (`"\\ud800"`, `"\\U00110000"`) as LibYAML does;
        PyYAML's scanner keeps a lone surrogate, which no UTF-8 writer or digest can take, or fails in chr()."""
        try:
            chunks: list[str] | None = super().scan_flow_scalar_non_spaces(double, start_mark)
        except ValueError:
            chunks = None
        if chunks is None or (double and any(_SURROGATE.search(chunk) for chunk in chunks)):
            raise yaml.scanner.ScannerError(
                "while parsing a quoted scalar",
                start_mark,
                "found invalid Unicode character escape code",
                self.get_mark(),
            )
        return chunks


_SURROGATE = re.compile("[\ud800-\udfff]")


# LibYAML's parser through PyYAML's public CBaseLoader (only its parser is used) when PyYAML has LibYAML.
Parser: Any = yaml.CBaseLoader if yaml.__with_libyaml__ else PurePythonParser


DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_BYTES_ENV = "DPF_RENDER_MAX_INPUT_BYTES"
MAX_DEPTH = 100
MAX_SEQUENCE_ITEMS = 500_000
# An alias may repeat a subtree; a document whose expanded size exceeds both of these is refused.
MAX_EXPANDED_NODES = 1_000_000
MAX_EXPANSION_RATIO = 10


class YAMLInputError(Exception):
    """Input that cannot be read as YAML, with where it happened."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = source + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)


def max_input_bytes(environ: Any = None) -> int:
    """The input size cap: DPF_RENDER_MAX_INPUT_BYTES when set (a byte count, `k`/`M`/`G` allowed), else 64 MiB.

    An unreadable value raises ValueError with a message for the user. Readers take at most this many bytes
    in chunks, so a cap far above the input's size costs nothing; above `sys.maxsize` no length can reach it.
    """
    raw = (os.environ if environ is None else environ).get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    scale = {"k": 1024, "m": 1024**2, "g": 1024**3}.get(raw[-1].lower(), 1)
    digits = raw[:-1] if scale != 1 else raw
    # isascii: str.isdigit() also accepts `²` and other digits that int() refuses.
    value = int(digits) * scale if digits.isascii() and digits.isdigit() and len(digits) <= 20 else 0
    if not 0 < value <= sys.maxsize:
        raise ValueError(
            f"{MAX_BYTES_ENV}={raw!r} is not a positive byte count of at most {sys.maxsize} "
            "(e.g. 134217728 or 128M)"
        )
    return value


def decode(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """UTF-8 text of an input, or a clear error (size cap first, so a huge input is never decoded)."""
    if len(data) > max_bytes:
        # Callers read at most max_bytes + 1 bytes, so the true size is unknown here.
        raise YAMLInputError(
            f"input is larger than the limit of {max_bytes} bytes (set {MAX_BYTES_ENV} to raise it)",
            source=source,
        )
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0  # a byte order mark; the utf-8-sig codec costs an import
    try:
        return data[start:].decode("utf-8") if start else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + start
        line = data[:offset].count(b"\n") + 1
        raise YAMLInputError(
            f"input is not UTF-8: byte 0x{data[offset]:02x} at offset {offset}", source=source, line=line
        ) from None


def load_documents(text: str, *, source: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """All documents of a YAML stream, empty ones dropped."""
    if len(text) > max_bytes:
        raise YAMLInputError(
            f"input is {len(text)} characters, larger than the limit of {max_bytes} "
            f"(set {MAX_BYTES_ENV} to raise it)",
            source=source,
        )
    # Nothing built here can form a reference cycle, so the cyclic collector would only rescan the growing
    # data again and again (a third of the time on a large input).
    collecting = gc.isenabled()
    gc.disable()
    try:
        docs = _Builder(text).documents()
    except _Refused as exc:
        raise YAMLInputError(exc.message, source=source, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise YAMLInputError(problem, source=source, line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1  # LibYAML counts bytes
        raise YAMLInputError(
            f"unacceptable character #x{exc.character:04x}: {exc.reason}", source=source, line=line
        ) from None
    except yaml.YAMLError as exc:
        raise YAMLInputError(str(exc).replace("\n", " "), source=source) from None
    finally:
        if collecting:
            gc.enable()
    return [d for d in docs if d is not None]


# --------------------------------------------------------------------------------------------------------
# Loading


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
STR_TAG = _STR
_MERGE, _TIMESTAMP, _VALUE = _TAG + "merge", _TAG + "timestamp", _TAG + "value"
_MAP, _SEQ = _TAG + "map", _TAG + "seq"
_STRINGS = frozenset((_STR, _TIMESTAMP, _VALUE))
_CONSTRUCTIBLE = _STRINGS | {_INT, _FLOAT, _BOOL, _NULL}
_BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_INF = float("inf")
# Python prints integers of up to this many digits (sys.get_int_max_str_digits() by default); an integer of
# fewer bits than _SMALL_BITS always has fewer, one of more than _LARGE_BITS always has more.
_MAX_INT_DIGITS = 4300
_SMALL_BITS, _LARGE_BITS = 14_000, 14_300
_MAX_FLOAT = int(sys.float_info.max)
# PyYAML's own implicit resolvers (the YAML 1.1 rules every PyYAML safe_load applies), by first character.
_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = yaml.resolver.Resolver.yaml_implicit_resolvers
_MERGE_KEY = object()  # stands for a `<<` key until its mapping ends

_SCALAR, _ALIAS, _SEQ_START, _SEQ_END, _MAP_START, _MAP_END, _DOC_END, _STREAM_END, _OTHER = range(9)
_EVENT_KINDS = {
    yaml.ScalarEvent: _SCALAR,
    yaml.AliasEvent: _ALIAS,
    yaml.SequenceStartEvent: _SEQ_START,
    yaml.SequenceEndEvent: _SEQ_END,
    yaml.MappingStartEvent: _MAP_START,
    yaml.MappingEndEvent: _MAP_END,
    yaml.DocumentEndEvent: _DOC_END,
    yaml.StreamEndEvent: _STREAM_END,
}


def resolve_plain(value: str) -> str:
    """The tag of an untagged plain scalar, as PyYAML's resolver decides it (the writer quotes a string
    whenever this is not `STR_TAG`, so that it reads back as a string)."""
    for tag, pattern in _RESOLVERS.get(value[:1] if value else "", ()):
        if pattern.match(value):
            return tag
    return _STR


def _construct_int(value: str) -> int:
    """PyYAML's YAML 1.1 integers: `_` separators, 0b, 0x, leading-0 octal, base-60 `1:30`.

    A number that Python could not print again (more than `_MAX_INT_DIGITS` decimal digits) is refused
    whatever its base: decimal text that long already fails in `int()`, the other bases would fail only when
    the output is written.
    """
    value = value.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith(("0b", "0x")):  # an explicit base, not 0: `0b_` must fail, as in PyYAML
        total = int(value[2:], 2 if value[1] == "b" else 16)
    elif value[0] == "0":
        total = int(value, 8)
    elif ":" in value:
        total = 0
        for part in value.split(":"):
            total = total * 60 + int(part)
            if total.bit_length() > _LARGE_BITS:  # checked as it grows: thousands of parts take minutes
                break
    else:
        return sign * int(value)
    if total.bit_length() > _SMALL_BITS and total >= 10**_MAX_INT_DIGITS:
        raise ValueError(f"more than {_MAX_INT_DIGITS} digits")
    return sign * total


def _construct_float(value: str) -> float:
    """PyYAML's YAML 1.1 floats, base-60 `1:30.5` included; a base-60 float beyond a double is refused."""
    value = value.replace("_", "").lower()
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * _INF
    if value == ".nan":
        return float("nan")
    if ":" in value:
        parts = [float(part) for part in value.split(":")]
        parts.reverse()
        total, base = 0.0, 1
        for part in parts:
            if base > _MAX_FLOAT:  # `part * base` could not convert base to a float
                raise ValueError("too many base-60 digits for a floating-point number")
            total += part * base
            base *= 60
        return sign * total
    return sign * float(value)


def _construct(tag: str, value: str) -> Any:
    """A scalar's value by its tag; ValueError or KeyError when the text does not fit the tag."""
    if tag in _STRINGS:
        # Timestamps stay strings: Kubernetes objects carry them as strings, and a datetime would not
        # survive JSON. A plain `=` is a string to every Kubernetes tool (PyYAML alone has no constructor).
        return value
    if tag == _INT:
        return _construct_int(value)
    if tag == _FLOAT:
        return _construct_float(value)
    if tag == _BOOL:
        return _BOOL_VALUES[value.lower()]
    return None  # null


def _tag_problem(tag: str) -> str:
    if tag.startswith(_TAG + "python/"):
        kind = "a Python-specific tag"
    elif tag.startswith(_TAG):
        kind = "not plain data (Kubernetes objects hold maps, lists, strings, numbers, booleans and null)"
    else:
        kind = "a custom tag"
    return f"could not determine a constructor for the tag {tag!r}: {kind}; only plain YAML data is accepted"


class _Frame:
    """An open map or list: the container, its pending key, the expanded size so far, its anchor."""

    __slots__ = ("anchor", "container", "is_map", "key", "line", "merges", "size")

    def __init__(self, container: Any, is_map: bool, anchor: str | None, line: int | None) -> None:
        self.container = container
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.size = 1
        self.anchor = anchor
        self.line = line
        self.merges: list[tuple[Any, int | None]] | None = None


_NO_KEY = object()


class _Builder:
    """Builds documents from parser events, one pass, with every limit checked as the events arrive."""

    __slots__ = ("anchors", "distinct", "docs", "expanded", "parser", "plain", "stack")

    def __init__(self, text: str) -> None:
        self.parser = Parser(text)
        self.docs: list[Any] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.plain: dict[str, Any] = {}  # untagged plain scalar → value (most scalars repeat)
        self.expanded = 0
        self.distinct = 0

    def documents(self) -> list[Any]:
        get_event = self.parser.get_event
        kinds = _EVENT_KINDS
        stack = self.stack
        plain = self.plain
        add = self.add
        while True:
            event: Any = get_event()
            kind = kinds.get(type(event), _OTHER)
            if kind == _SCALAR:
                tag = event.tag
                if tag is None or tag == "!":
                    if event.implicit[0]:
                        value = plain.get(event.value, _NO_KEY)
                        if value is _NO_KEY:
                            value = self.plain_scalar(event)
                    else:
                        value = event.value
                else:
                    value = self.tagged_scalar(event, tag)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                self.distinct += 1
                add(value, 1, event)
            elif kind in (_MAP_START, _SEQ_START):
                self.check_tag(event, _MAP if kind == _MAP_START else _SEQ)
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", _line(event))
                self.distinct += 1
                container: Any = {} if kind == _MAP_START else []
                stack.append(_Frame(container, kind == _MAP_START, event.anchor, _line(event)))
            elif kind in (_MAP_END, _SEQ_END):
                frame = stack.pop()
                if frame.merges is not None:
                    frame.container = self.merged(frame)
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.container, frame.size)
                add(frame.container, frame.size, event)
            elif kind == _ALIAS:
                self.alias(event)
            elif kind == _DOC_END:
                self.anchors.clear()
                self.expanded = self.distinct = 0
            elif kind == _STREAM_END:
                return self.docs

    def plain_scalar(self, event: Any) -> Any:
        text = event.value
        tag = resolve_plain(text)
        if tag == _MERGE:
            value: Any = _MERGE_KEY
        else:
            value = self.construct(tag, text, event)
        self.plain[text] = value
        return value

    def tagged_scalar(self, event: Any, tag: str) -> Any:
        return self.construct(tag, event.value, event)

    def construct(self, tag: str, text: str, event: Any) -> Any:
        if tag not in _CONSTRUCTIBLE:
            raise _Refused(_tag_problem(tag), _line(event))
        try:
            return _construct(tag, text)
        except (ValueError, LookupError) as exc:
            name = tag.rsplit(":", 1)[-1]
            detail = "too many digits" if "digits" in str(exc) else f"not a valid {name}"
            raise _Refused(f"{_clip(text)!r} cannot be read as {name} ({detail})", _line(event)) from None

    def check_tag(self, event: Any, default: str) -> None:
        tag = event.tag
        if tag is not None and tag not in ("!", default):
            raise _Refused(_tag_problem(tag), _line(event))

    def alias(self, event: Any) -> None:
        anchor = event.anchor
        found = self.anchors.get(anchor)
        if found is None:
            if any(frame.anchor == anchor for frame in self.stack):
                raise _Refused(
                    f"alias *{anchor} refers to a node that contains it (a recursive structure)", _line(event)
                )
            raise _Refused(f"found undefined alias *{anchor}", _line(event))
        value, size = found
        self.expanded += size - 1
        if self.expanded > MAX_EXPANDED_NODES and self.expanded > MAX_EXPANSION_RATIO * max(self.distinct, 1):
            raise _Refused(
                f"aliases expand the document to over {MAX_EXPANDED_NODES:,} nodes from {self.distinct:,} "
                "distinct ones (a YAML alias bomb?)",
                _line(event),
            )
        self.add(value, size, event)

    def add(self, value: Any, size: int, event: Any) -> None:
        """Attach a finished node to the open container, or make it a document."""
        self.expanded += 1
        stack = self.stack
        frame = stack[-1] if stack else None
        if frame is not None and frame.is_map and frame.key is _NO_KEY:
            self.set_key(frame, value, event)
            return
        if value is _MERGE_KEY:
            raise _Refused("a merge key `<<` can only be a map key", _line(event))
        if frame is None:
            self.docs.append(value)
            return
        frame.size += size
        if frame.is_map:
            key = frame.key
            frame.key = _NO_KEY
            if key is _MERGE_KEY:
                if frame.merges is None:
                    frame.merges = []
                frame.merges.append((value, _line(event)))
            else:
                frame.container[key] = value
            return
        container: list[Any] = frame.container
        if len(container) >= MAX_SEQUENCE_ITEMS:
            raise _Refused(f"a list has more than the limit of {MAX_SEQUENCE_ITEMS} items", frame.line)
        container.append(value)

    def set_key(self, frame: _Frame, key: Any, event: Any) -> None:
        frame.size += 1
        if key is not _MERGE_KEY:
            try:
                duplicate = key in frame.container
            except TypeError:
                raise _Refused(
                    "while constructing a mapping: found an unhashable key (a map or list used as a key)",
                    _line(event),
                ) from None
            if duplicate:
                raise _Refused(
                    f"while constructing a mapping: found duplicate key {_clip(key)!r}", _line(event)
                )
        frame.key = key

    def merged(self, frame: _Frame) -> dict[Any, Any]:
        """`<<` merge keys as PyYAML applies them: merged entries first, the mapping's own keys win."""
        pairs: list[tuple[Any, Any]] = []
        for value, line in frame.merges or ():
            sources = list(reversed(value)) if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    raise _Refused(
                        "while constructing a mapping: expected a mapping or list of mappings for merging",
                        line,
                    )
                pairs.extend(source.items())
        out = dict(pairs)
        out.update(frame.container)
        return out


def _line(event: Any) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark is not None else None


def _clip(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    return value


__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV",
    "STR_TAG",
    "YAMLInputError",
    "decode",
    "load_documents",
    "max_input_bytes",
    "resolve_plain",
]
