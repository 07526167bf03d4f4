"""Output order, in one place: children grouped by DPUDeployment, in kind order, then by name; keys canonical.

Generated objects start with apiVersion, kind, metadata, spec and have every map sorted below that, so
their bytes depend on nothing but their content (docs/output-format.md). Pass-through items keep their own
key order. The YAML writer (`yamldump`) writes a child in this order straight from the built dict, asking
`canonical_keys` and `sort_keys` for the order; `canonical` makes the ordered copy for callers that want the
objects themselves (the review tools) and for the rare child the writer leaves to PyYAML.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

KIND_ORDER = ("DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain")
CHILD_KINDS = frozenset(KIND_ORDER)
_KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}
TOP_KEYS = ("apiVersion", "kind", "metadata", "spec")


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


def canonical_keys(obj: dict[Any, Any]) -> list[Any]:
    """The keys of a generated object in output order: `TOP_KEYS` first, the rest sorted."""
    return [*(k for k in TOP_KEYS if k in obj), *sort_keys(k for k in obj if k not in TOP_KEYS)]


def canonical(obj: dict[str, Any]) -> dict[str, Any]:
    """A new object in canonical key order: the top keys first, then the rest sorted; all nested maps sorted."""
    return {key: _sorted(obj[key]) for key in canonical_keys(obj)}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sort_keys(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _child_sort_key(obj: dict[str, Any]) -> tuple[int, str]:
    return (_KIND_RANK.get(obj["kind"], len(KIND_ORDER)), obj["metadata"]["name"])


def order_raw(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One DPUDeployment's children in kind order, then by name, as built."""
    return sorted(children, key=_child_sort_key)
