"""The one place that reads and writes YAML: a safe loader with limits, and a deterministic dumper.

Reading uses the C LibYAML parser when present and refuses what would hurt: bytes that are not UTF-8,
inputs over a size cap, duplicate keys, nesting deeper than a limit (deep flow nesting crashes LibYAML's
recursive composer, so it is measured before LibYAML sees the text), alias bombs (aliases share objects in
memory, but anything that walks the data, from hashing to dumping, would expand them) and Python-specific
tags (the safe loader knows none). Writing never emits anchors or aliases, keeps the key order of the data,
and prints multi-line strings as literal blocks.
"""

from __future__ import annotations

import re

import yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 100
MAX_SEQUENCE_ITEMS = 500_000
# An alias may repeat a subtree; a document whose expanded size exceeds both of these is refused.
MAX_EXPANDED_NODES = 1_000_000
MAX_EXPANSION_RATIO = 10

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class YAMLInputError(Exception):
    """Input that cannot be read as YAML, with where it happened."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = source + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)


class _Loader(_BaseLoader):  # type: ignore[misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found an unhashable key",
                    key_node.start_mark,
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        if len(node.value) > MAX_SEQUENCE_ITEMS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a list has {len(node.value)} items, more than the limit of {MAX_SEQUENCE_ITEMS}",
                node.start_mark,
            )
        return super().construct_sequence(node, deep=deep)  # type: ignore[no-any-return]


# Timestamps stay strings: Kubernetes objects carry them as strings, and a datetime would not survive JSON.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)

_COMPACT_INDICATORS = re.compile(r"(?:[-?:][ \t]+){50,}")
_DEEP_INDENT = re.compile(r"\n {2000,}")


def decode(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """UTF-8 text of an input, or a clear error (size cap first, so a huge input is never decoded)."""
    if len(data) > max_bytes:
        raise YAMLInputError(
            f"input is {len(data)} bytes, larger than the limit of {max_bytes} bytes", source=source
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YAMLInputError(
            f"input is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            source=source,
            line=line,
        ) from None


def load_documents(text: str, *, source: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """All documents of a YAML stream, empty ones dropped."""
    if len(text) > max_bytes:
        raise YAMLInputError(
            f"input is {len(text)} characters, larger than the limit of {max_bytes}", source=source
        )
    _check_nesting(text, source)
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise YAMLInputError(_describe_problem(problem), source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise YAMLInputError(str(exc), source=source) from None
    except RecursionError:
        raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", source=source) from None
    for doc in docs:
        _check_shape(doc, source)
    return docs


def _describe_problem(problem: str) -> str:
    if "could not determine a constructor for the tag" in problem:
        return problem + " (only plain YAML data is accepted; language-specific tags are refused)"
    return problem


def _check_nesting(text: str, source: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before LibYAML's recursive composer can overflow the C stack.

    Counting brackets is an upper bound on flow nesting; block nesting needs indentation or compact
    indicators (`- - -`) on one line. Only when the cheap bounds are inconclusive are the parser's events
    walked (iteratively, in C), which is exact.
    """
    flow = text.count("[") - text.count("[]") + text.count("{") - text.count("{}")
    if flow < MAX_DEPTH and not _COMPACT_INDICATORS.search(text) and not _DEEP_INDENT.search(text):
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", source=source, line=line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # the real load reports syntax errors with their position


def _check_shape(doc: Any, source: str) -> None:
    """Refuse alias bombs and over-deep data; the walk visits each distinct container once."""
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[Any, int, bool]] = [(doc, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels", source=source)
        key = id(node)
        if done:
            children = node.values() if isinstance(node, dict) else node
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            continue
        if key in sizes:
            continue
        sizes[key] = 1  # provisional, also stops cycles from recursing
        distinct += 1
        stack.append((node, depth, True))
        children = node.values() if isinstance(node, dict) else node
        stack.extend(
            (c, depth + 1, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes
        )
    total = sizes.get(id(doc), 1) if isinstance(doc, (dict, list)) else 1
    if total > MAX_EXPANDED_NODES and total > MAX_EXPANSION_RATIO * max(distinct, 1):
        raise YAMLInputError(
            f"aliases expand the document to {total} nodes from {distinct} distinct ones (a YAML alias bomb?)",
            source=source,
        )


class _Dumper(_BaseDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 - never an alias, whatever the data
        return True


def _represent_str(dumper: Any, data: str) -> Any:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def dump_document(doc: Any) -> str:
    """One document, keys in the data's own order, no anchors, no line folding."""
    out: str = yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31 - 1, default_flow_style=False
    )
    return out


def dump_stream(docs: Iterable[Any]) -> str:
    """A multi-document stream, `---` between documents."""
    return "---\n".join(dump_document(d) for d in docs)


def iter_lines(text: str) -> Iterator[str]:
    yield from text.splitlines(keepends=True)
