"""Output order (SPEC §3.1): children grouped by DPUDeployment, in kind order, then by name; keys canonical.

Generated objects start with apiVersion, kind, metadata, spec and have every map sorted below that, so
their bytes depend on nothing but their content. Pass-through items keep their own key order. The emitter
can write a child in this order straight from the built dict (`yamlio.dump_canonical` with `TOP_KEYS`);
`canonical` makes the ordered copy for callers that want the objects themselves.
"""

from __future__ import annotations

from .yamlio import sort_keys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KIND_ORDER = ("DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain")
_KIND_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}
TOP_KEYS = ("apiVersion", "kind", "metadata", "spec")


def canonical(obj: dict[str, Any], top_keys: tuple[str, ...] = TOP_KEYS) -> dict[str, Any]:
    """A new object: the top keys first, then the rest sorted; all nested maps sorted."""
    out = {key: _sorted(obj[key]) for key in top_keys if key in obj}
    for key in sort_keys(k for k in obj if k not in top_keys):
        out[key] = _sorted(obj[key])
    return out


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sort_keys(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def child_sort_key(obj: dict[str, Any]) -> tuple[int, str]:
    return (_KIND_RANK.get(obj["kind"], len(KIND_ORDER)), obj["metadata"]["name"])


def order_raw(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One DPUDeployment's children in kind order, then by name, as built."""
    return sorted(children, key=child_sort_key)
