"""The one place that reads and writes YAML: a safe loader with limits, and a deterministic emitter.

Reading builds plain data (maps, lists, strings, numbers, booleans, null) straight from LibYAML's parser
events, with PyYAML's safe resolution rules, and refuses what would hurt as it goes: bytes that are not
UTF-8, inputs over a size cap, duplicate keys, nesting deeper than a limit, more items in one list than a
limit, alias bombs (an alias shares an object in memory, but anything that walks the data, from hashing to
dumping, would expand it; the expanded size is counted as the events arrive), recursive aliases and every
tag that is not plain data (`!!python/...`, `!!binary`, `!!set`, custom tags). Events, not PyYAML's
composer, because the composer recurses in C (deep input could overflow the stack) and composing plus
constructing takes twice as long as this loop.

Writing prints exactly what PyYAML's LibYAML dumper prints for the same data (block style, no anchors or
aliases, keys in the data's order, multi-line strings as literal blocks, no line folding), several times
faster: plain data needs only a small part of a general emitter. Anything outside that part (a key longer
than 128 bytes, a line separator in a string, a type that is not plain data) is handed to PyYAML's own
dumper, so the bytes never depend on which path ran; tests/test_yamlio.py proves the two equal.
"""

from __future__ import annotations

import gc
import math
import os
import re
import sys

import yaml

try:
    from yaml._yaml import CParser
except (
    ImportError
):  # PyYAML without LibYAML, e.g. the single-file build (docs/install.md): same events, slower

    class CParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        """PyYAML's pure-Python reader, scanner and parser, with LibYAML's parser interface."""

        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


from . import goresolve

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_BYTES_ENV = "DPF_RENDER_MAX_INPUT_BYTES"
MAX_DEPTH = 100
MAX_SEQUENCE_ITEMS = 500_000
# An alias may repeat a subtree; a document whose expanded size exceeds both of these is refused.
MAX_EXPANDED_NODES = 1_000_000
MAX_EXPANSION_RATIO = 10

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


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


def _resolve_plain(value: str) -> str:
    """The tag of an untagged plain scalar, as PyYAML's resolver decides it."""
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
        self.parser = CParser(text)
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
        tag = _resolve_plain(text)
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


# --------------------------------------------------------------------------------------------------------
# Writing


class _Fallback(Exception):
    """Data outside what the specialised emitter handles; PyYAML's dumper writes the document instead."""


_DUMPERS: list[Any] = []


def _pyyaml_dumper() -> Any:
    """PyYAML's dumper with a literal block for every multi-line string and no aliases (made on first use)."""
    if not _DUMPERS:

        class Dumper(_BaseDumper):  # type: ignore[misc]
            def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 - never an alias, whatever the data
                return True

        def represent_str(dumper: Any, data: str) -> Any:
            if "\n" in data:
                return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
            if goresolve.is_non_string(data):  # PyYAML would write it plain; Go readers would not keep it
                return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="'")
            return dumper.represent_scalar("tag:yaml.org,2002:str", data)

        Dumper.add_representer(str, represent_str)
        _DUMPERS.append(Dumper)
    return _DUMPERS[0]


def pyyaml_dump(doc: Any) -> str:
    """The reference: PyYAML's LibYAML dumper with the settings the emitter reproduces."""
    out: str = yaml.dump(
        doc,
        Dumper=_pyyaml_dumper(),
        sort_keys=False,
        allow_unicode=True,
        width=2**31 - 1,
        default_flow_style=False,
    )
    return out


# LibYAML's emitter rules (emitter.c, yaml_emitter_analyze_scalar and select_scalar_style) for block
# context, restated as patterns over the Python string. Patterns over all of Unicode take milliseconds to
# compile, so ASCII strings (nearly all) are checked with small ones, the rest with big ones made on demand.
# Not printable for LibYAML: C0 controls but \n (tab included), DEL, C1, surrogates, U+FEFF, U+FFFE/F, and
# everything beyond the BMP (LibYAML's check covers 1- to 3-byte UTF-8 only).
_SPECIAL_CLASS = "\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\U00010000-\U0010ffff"
_PATTERNS: dict[str, re.Pattern[str]] = {}
_LINE_SEPARATORS = ("\u2028", "\u2029")  # breaks that are printable: rare, left to PyYAML
_INDICATORS = "#,[]{}&*!|>'\"%@`"  # a plain scalar cannot start with these
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_MAX_SIMPLE_KEY = 128  # bytes; a longer key is written as `? key` (left to PyYAML)


def _pattern(name: str) -> re.Pattern[str]:
    """The character classes below, compiled when first needed (start-up pays for none of them)."""
    pattern = _PATTERNS.get(name)
    if pattern is None:
        sources = {
            "special": f"[{_SPECIAL_CLASS}]",
            # In double quotes LibYAML escapes what is not printable, line breaks, `"` and `\`.
            "escaped": f'[{_SPECIAL_CLASS}\n\u2028\u2029"\\\\]',
            "escaped_ascii": '[\x00-\x1f\x7f"\\\\]',
        }
        pattern = _PATTERNS[name] = re.compile(sources[name])
    return pattern


def _has_special(text: str) -> bool:
    if text.isascii():  # Python's printable ASCII is LibYAML's: 0x20-0x7E
        return not (text.replace("\n", " ") if "\n" in text else text).isprintable()
    return _pattern("special").search(text) is not None


def _not_plain(text: str) -> bool:
    """Whether a non-empty string without specials or breaks needs quotes in block context (indicators,
    surrounding spaces, `: ` and ` #`); the resolver check comes on top."""
    first = text[0]
    if first in _INDICATORS or first == " " or text[-1] == " " or text.startswith(("---", "...")):
        return True
    if first in "?:-" and (len(text) == 1 or text[1] == " "):
        return True
    return ": " in text or text[-1] == ":" or " #" in text


def _has_line_separator(text: str) -> bool:
    return not text.isascii() and any(sep in text for sep in _LINE_SEPARATORS)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _double_quoted(text: str) -> str:
    escaped = _pattern("escaped_ascii" if text.isascii() else "escaped")
    return '"' + escaped.sub(_escape, text) + '"'


def _inline_scalar(text: str) -> str:
    """A string without line breaks as LibYAML writes it in block context: plain, single or double quoted."""
    if not text:
        return "''"
    if _has_special(text):
        return _double_quoted(text)
    if _has_line_separator(text):
        raise _Fallback
    # Quoted when PyYAML or a Kubernetes Go reader (docs/output-format.md) would read it as anything else.
    if _not_plain(text) or _resolve_plain(text) != _STR or goresolve.is_non_string(text):
        return "'" + text.replace("'", "''") + "'"
    return text


def _block_header(text: str) -> str | None:
    """`|` with LibYAML's indentation and chomping hints for a multi-line string, or None: double quoted."""
    if _has_special(text) or text[-1] == " " or " \n" in text:
        return None
    if _has_line_separator(text):
        raise _Fallback
    header = "|2" if text[0] in " \n" else "|"
    if text[-1] != "\n":
        return header + "-"
    if len(text) == 1 or text[-2] == "\n":
        return header + "+"
    return header


def _float_text(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if value == _INF:
        return ".inf"
    if value == -_INF:
        return "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text


def _scalar_text(value: Any) -> str:
    """A scalar that is not a string, as SafeRepresenter writes it."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    raise _Fallback


class Generated:
    """A list value produced while it is written: (object, canonical?) pairs from `produce()`.

    A canonical object is written with `dump_canonical`'s key order. `produce` may be called twice (the
    PyYAML fallback needs the objects themselves), so it must build them afresh each time.
    """

    __slots__ = ("produce", "top_keys")

    def __init__(self, produce: Callable[[], Iterable[tuple[Any, bool]]], top_keys: tuple[str, ...]) -> None:
        self.produce = produce
        self.top_keys = top_keys

    def materialise(self) -> list[Any]:
        return [
            _canonical_copy(obj, self.top_keys) if canonical else obj for obj, canonical in self.produce()
        ]


class _Emitter:
    """Block-style YAML of plain data into a list of strings; `sort` sorts every map's keys (children)."""

    __slots__ = ("keep", "keys", "out", "sort", "values")

    def __init__(self, values: dict[str, str], keys: dict[str, str]) -> None:
        self.out: list[str] = []
        self.values = values  # string → its inline text, shared across documents
        self.keys = keys
        self.sort = False
        self.keep = False  # did the last block scalar keep its trailing breaks (LibYAML then ends with `...`)

    def document(self, doc: Any, *, top_keys: tuple[str, ...] | None = None) -> None:
        self.keep = False
        if type(doc) is dict:
            if not doc:
                self.out.append("{}\n")
            elif top_keys is not None:
                first = [k for k in top_keys if k in doc]
                rest = [k for k in doc if k not in top_keys]
                self.mapping(doc, 0, "", [*first, *sort_keys(rest)])
            else:
                self.mapping(doc, 0, "", doc)
        elif type(doc) is list:
            if not doc:
                self.out.append("[]\n")
            else:
                self.sequence(doc, 0, "")
        else:
            raise _Fallback
        if self.keep:
            self.out.append("...\n")

    def key(self, key: Any) -> str:
        if type(key) is not str:
            return _scalar_text(key)  # not cached: True and 1 are one dict key
        text = self.keys.get(key)
        if text is None:
            if "\n" in key or "\r" in key or "\x85" in key or _has_line_separator(key):
                raise _Fallback  # a multi-line key is a complex key: `? |`
            if len(key) > _MAX_SIMPLE_KEY or (not key.isascii() and len(key.encode()) > _MAX_SIMPLE_KEY):
                raise _Fallback
            text = self.keys[key] = _inline_scalar(key)
        return text

    def mapping(self, data: dict[Any, Any], indent: int, first: str, order: Iterable[Any]) -> None:
        """Keys at column `indent`; the first line starts with `first` instead of the indentation."""
        out = self.out
        values = self.values
        pad = " " * indent
        prefix = first or pad
        deeper = indent + 2
        for k in order:
            value = data[k]
            head = prefix + self.key(k) + ":"
            prefix = pad
            kind = type(value)
            if kind is str:
                text = values.get(value)
                if text is None:
                    if "\n" in value:
                        self.block(head, value, deeper)
                        continue
                    text = values[value] = _inline_scalar(value)
                out.append(f"{head} {text}\n")
            elif kind is dict:
                if value:
                    out.append(head + "\n")
                    self.mapping(value, deeper, "", sort_keys(value) if self.sort else value)
                else:
                    out.append(head + " {}\n")
            elif kind is list:
                if value:
                    out.append(head + "\n")
                    self.sequence(value, indent, "")
                else:
                    out.append(head + " []\n")
            elif kind is Generated:
                self.generated(head, value, indent)
            else:
                out.append(f"{head} {_scalar_text(value)}\n")

    def generated(self, head: str, value: Generated, indent: int) -> None:
        out = self.out
        position = len(out)
        out.append(head + "\n")
        dash = " " * indent + "- "
        empty = True
        for obj, canonical in value.produce():
            empty = False
            start = len(out)
            if canonical and type(obj) is dict and obj:
                first = [k for k in value.top_keys if k in obj]
                rest = sort_keys(k for k in obj if k not in value.top_keys)
                self.sort = True
                self.mapping(obj, indent + 2, dash, [*first, *rest])
                self.sort = False
            else:
                self.sequence([obj], indent, "")
            out[start:] = ["".join(out[start:])]  # one string per item: a line each would double the memory
        if empty:
            out[position] = head + " []\n"

    def sequence(self, data: list[Any], indent: int, first: str) -> None:
        """Items at column `indent` (`- `); the first line starts with `first` instead of the indentation."""
        out = self.out
        values = self.values
        dash = " " * indent + "- "
        prefix = first + "- " if first else dash
        deeper = indent + 2
        for value in data:
            kind = type(value)
            if kind is str:
                text = values.get(value)
                if text is None:
                    if "\n" in value:
                        self.block(prefix[:-1], value, deeper)
                        prefix = dash
                        continue
                    text = values[value] = _inline_scalar(value)
                out.append(prefix + text + "\n")
            elif kind is dict:
                if value:
                    self.mapping(value, deeper, prefix, sort_keys(value) if self.sort else value)
                else:
                    out.append(prefix + "{}\n")
            elif kind is list:
                if value:
                    self.sequence(value, deeper, prefix)
                else:
                    out.append(prefix + "[]\n")
            else:
                out.append(prefix + _scalar_text(value) + "\n")
            prefix = dash

    def block(self, head: str, text: str, indent: int) -> None:
        """A multi-line string after `head` (`key:` or `-`): a literal block at `indent`, or double quoted."""
        header = _block_header(text)
        if header is None:
            self.out.append(f"{head} {_double_quoted(text)}\n")
            return
        pad = " " * indent
        body = "\n".join(pad + line if line else "" for line in text.split("\n"))
        self.out.append(f"{head} {header}\n{body}" if text[-1] == "\n" else f"{head} {header}\n{body}\n")
        self.keep = header[-1] == "+"


_VALUE_CACHE: dict[str, str] = {}
_KEY_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def _emitter() -> _Emitter:
    if len(_VALUE_CACHE) > _CACHE_LIMIT:
        _VALUE_CACHE.clear()
    if len(_KEY_CACHE) > _CACHE_LIMIT:
        _KEY_CACHE.clear()
    return _Emitter(_VALUE_CACHE, _KEY_CACHE)


def sort_keys(keys: Iterable[Any]) -> list[Any]:
    """Map keys in canonical order: sorted; keys of mixed types (rare, user data) by type, then value."""
    try:
        return sorted(keys)
    except TypeError:
        return sorted(keys, key=_mixed_key)


def _mixed_key(key: Any) -> tuple[int, Any]:
    if key is None:
        return (0, 0)
    if isinstance(key, (bool, int, float)):
        return (1, key)
    if isinstance(key, str):
        return (2, key)
    return (3, repr(key))


def dump_document(doc: Any) -> str:
    """One document, keys in the data's own order, no anchors, no line folding."""
    return "".join(dump_document_pieces(doc))


def dump_document_pieces(doc: Any) -> list[str]:
    """`dump_document` as pieces to write one after the other (a huge document is never joined in memory).

    A top-level `Generated` value (the items of a ResourceList) is written as a list, built as it goes.
    """
    emitter = _emitter()
    try:
        emitter.document(doc)
    except (_Fallback, RecursionError):
        if type(doc) is dict:
            doc = {k: v.materialise() if type(v) is Generated else v for k, v in doc.items()}
        return [pyyaml_dump(doc)]
    return emitter.out


def dump_canonical(doc: dict[str, Any], top_keys: tuple[str, ...]) -> str:
    """One generated object in canonical key order: `top_keys` first, the rest sorted, every nested map sorted.

    The same bytes as `dump_document(emit.canonical(doc))`, without building the sorted copy.
    """
    emitter = _emitter()
    emitter.sort = True
    try:
        emitter.document(doc, top_keys=top_keys)
    except (_Fallback, RecursionError):
        return pyyaml_dump(_canonical_copy(doc, top_keys))
    return "".join(emitter.out)


def _canonical_copy(doc: dict[str, Any], top_keys: tuple[str, ...]) -> dict[str, Any]:
    """The ordered copy, for the rare objects the specialised emitter leaves to PyYAML."""
    from .emit import canonical  # emit imports this module, so only at call time

    return canonical(doc, top_keys)


def dump_stream(docs: Iterable[Any]) -> str:
    """A multi-document stream, `---` between documents."""
    return "---\n".join(dump_document(d) for d in docs)


def dump_generated_stream(documents: Iterable[tuple[Any, bool]], top_keys: tuple[str, ...]) -> Iterator[str]:
    """The pieces of a stream of (object, canonical?) pairs: the same bytes as `dump_stream` of the objects."""
    first = True
    for obj, canonical in documents:
        if not first:
            yield "---\n"
        first = False
        yield dump_canonical(obj, top_keys) if canonical else dump_document(obj)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV",
    "Generated",
    "YAMLInputError",
    "decode",
    "dump_canonical",
    "dump_document",
    "dump_document_pieces",
    "dump_generated_stream",
    "dump_stream",
    "load_documents",
    "max_input_bytes",
    "sort_keys",
]
