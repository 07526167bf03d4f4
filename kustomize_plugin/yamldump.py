"""The one YAML writer: block-style documents, byte for byte what PyYAML's LibYAML dumper prints, faster.

Writing prints exactly what PyYAML's LibYAML dumper prints for the same data (block style, no anchors or
aliases, keys in the data's order, multi-line strings as literal blocks, no line folding), several times
faster: plain data needs only a small part of a general emitter. Anything outside that part (a key longer
than 128 bytes, a line separator in a string, a type that is not plain data) is handed to PyYAML's own
dumper, so the bytes never depend on which path ran; tests/test_yamldump.py proves the two equal.

A generated child is written in canonical key order (`emit.canonical_keys`, `emit.sort_keys`) straight from
the dict as built. `DocumentWriter` writes one document in parts: the KRM function's ResourceList, whose
items the caller builds one DPUDeployment at a time and hands over one by one, so a fleet's output is never
held as objects; a part the emitter leaves to PyYAML is handed over alone.
"""

from __future__ import annotations

import math
import re

import yaml

from . import goresolve
from .emit import canonical, canonical_keys, sort_keys
from .yamlload import STR_TAG, resolve_plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_INF = float("inf")


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
    if _not_plain(text) or resolve_plain(text) != STR_TAG or goresolve.is_non_string(text):
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


class _Emitter:
    """Block-style YAML of plain data into a list of strings; `sort` sorts every map's keys (children)."""

    __slots__ = ("keep", "keys", "out", "sort", "values")

    def __init__(self, values: dict[str, str], keys: dict[str, str]) -> None:
        self.out: list[str] = []
        self.values = values  # string → its inline text, shared across documents
        self.keys = keys
        self.sort = False
        self.keep = False  # did the last block scalar keep its trailing breaks (LibYAML then ends with `...`)

    def document(self, doc: Any, *, canonical: bool = False) -> None:
        self.keep = False
        if type(doc) is dict:
            if not doc:
                self.out.append("{}\n")
            else:
                self.mapping(doc, 0, "", canonical_keys(doc) if canonical else doc)
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
            else:
                out.append(f"{head} {_scalar_text(value)}\n")

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


def dump_document(doc: Any) -> str:
    """One document, keys in the data's own order, no anchors, no line folding."""
    emitter = _emitter()
    try:
        emitter.document(doc)
    except (_Fallback, RecursionError):
        return pyyaml_dump(doc)
    return "".join(emitter.out)


def dump_canonical(doc: dict[str, Any]) -> str:
    """One generated object in canonical key order (`emit.canonical_keys`, every nested map sorted).

    The same bytes as `dump_document(emit.canonical(doc))`, without building the sorted copy.
    """
    emitter = _emitter()
    emitter.sort = True
    try:
        emitter.document(doc, canonical=True)
    except (_Fallback, RecursionError):
        return pyyaml_dump(canonical(doc))
    return "".join(emitter.out)


def dump_stream(docs: Iterable[Any]) -> str:
    """A multi-document stream, `---` between documents."""
    return "---\n".join(dump_document(d) for d in docs)


def stream_pieces(documents: Iterable[tuple[Any, bool]]) -> Iterator[str]:
    """The pieces of a stream of (object, generated?) pairs, a generated object in canonical key order: the
    same bytes as `dump_stream` of the objects with every generated one in `emit.canonical` order."""
    first = True
    for obj, generated in documents:
        if not first:
            yield "---\n"
        first = False
        yield dump_canonical(obj) if generated else dump_document(obj)


class DocumentWriter:
    """One block-style mapping document written in parts: top-level entries, and a list item by item.

    The bytes are those of `dump_document` of the whole document. What the emitter leaves to PyYAML is one
    part (the entries given at once, or one list item), never the whole: PyYAML writes that part alone, and
    nothing is built again.
    """

    __slots__ = ("emitter", "items", "list_at")

    def __init__(self) -> None:
        self.emitter = _emitter()
        self.list_at = -1  # where the open list's `key:` line is in the output, -1 when none is open
        self.items = 0

    def entries(self, mapping: dict[str, Any]) -> None:
        """Top-level `key: value` entries, in the mapping's order."""
        self._close_list()
        if mapping:
            self._part(lambda e: e.mapping(mapping, 0, "", mapping), lambda: mapping)

    def start_list(self, key: str) -> None:
        """A top-level key whose value is the list that `item` then writes, item by item."""
        self._close_list()
        self.list_at = len(self.emitter.out)
        self.emitter.out.append(self.emitter.key(key) + ":\n")
        self.items = 0

    def item(self, obj: Any, *, generated: bool = False) -> None:
        """One item of the open list; a generated object in canonical key order."""
        self.items += 1
        if generated and type(obj) is dict and obj:

            def write(e: _Emitter) -> None:
                e.sort = True
                try:
                    e.mapping(obj, 2, "- ", canonical_keys(obj))
                finally:
                    e.sort = False

            self._part(write, lambda: [canonical(obj)])
        else:
            self._part(lambda e: e.sequence([obj], 0, ""), lambda: [obj])

    def pieces(self) -> list[str]:
        """The document so far, ended: the pieces to write, in order."""
        self._close_list()
        out = self.emitter.out
        if self.emitter.keep:
            out.append("...\n")
        return out

    def _close_list(self) -> None:
        if self.list_at >= 0 and not self.items:
            line = self.emitter.out[self.list_at]
            self.emitter.out[self.list_at] = line[:-1] + " []\n"
        self.list_at = -1

    def _part(self, write: Callable[[_Emitter], None], data: Callable[[], Any]) -> None:
        """Write one part with the emitter, as one string; else the part alone through PyYAML (`data()` is what
        PyYAML writes then: the mapping of the entries, or a one-item list)."""
        emitter = self.emitter
        out = emitter.out
        start = len(out)
        try:
            write(emitter)
        except (_Fallback, RecursionError):
            del out[start:]
            part = data()
            text = pyyaml_dump(part)
            if text.endswith("\n...\n"):  # the part ends with a kept block scalar: so may the document
                text = text[:-4]
                emitter.keep = True
            elif _has_literal_block(part):
                emitter.keep = False
            out.append(text)
            return
        out[start:] = ["".join(out[start:])]  # one string per part: a line each would double the memory


def _has_literal_block(data: Any) -> bool:
    """Whether PyYAML writes some string of `data` as a literal block (what decides the document's end)."""
    pending = [data]
    while pending:
        value = pending.pop()
        if type(value) is str:
            if "\n" in value and (_has_line_separator(value) or _block_header(value) is not None):
                return True
        elif type(value) is dict:
            pending.extend(value)
            pending.extend(value.values())
        elif type(value) is list:
            pending.extend(value)
    return False


__all__ = [
    "DocumentWriter",
    "dump_canonical",
    "dump_document",
    "dump_stream",
    "pyyaml_dump",
    "stream_pieces",
]
