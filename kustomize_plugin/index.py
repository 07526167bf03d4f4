"""The input index: the items read (`Item`), and the DPF objects among them by kind, namespace and name, with
their typed views.

Indexing runs in two steps around the schema check of the validate stage (pipeline.py). `index_inputs` keys
every item of a DPF input kind, resolving its namespace once (an item without one takes the configured
default), and reports what cannot be keyed: no name, no namespace, the same object twice. `read_views` then
builds the typed views (model.py) of what the schema check left usable, once per object, whatever number of
DPUDeployments use it.
"""

from __future__ import annotations

from . import model
from . import results as R
from .lock import KIND as LOCK_KIND
from .lock import DeploymentLock, read_lock
from .results import ResourceRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .results import Result


PATH_ANNOTATIONS = ("internal.config.kubernetes.io/path", "config.kubernetes.io/path")
INDEX_ANNOTATIONS = ("internal.config.kubernetes.io/index", "config.kubernetes.io/index")


class Item:
    """One input object and where it was read from (file and document index, when known)."""

    __slots__ = ("file_index", "file_path", "obj", "position")

    def __init__(
        self, obj: Any, position: int, file_path: str | None = None, file_index: int | None = None
    ) -> None:
        self.obj = obj
        self.position = position
        annotations = _annotations(obj)
        if file_path is None:
            file_path = next(
                (annotations[k] for k in PATH_ANNOTATIONS if isinstance(annotations.get(k), str)), None
            )
            if file_index is None:
                raw = next(
                    (annotations[k] for k in INDEX_ANNOTATIONS if isinstance(annotations.get(k), str)), None
                )
                file_index = int(raw) if raw is not None and raw.isdigit() else None
        self.file_path = file_path
        self.file_index = file_index

    def ref(self, default_namespace: str = "") -> ResourceRef:
        ref = ResourceRef.of(
            self.obj if isinstance(self.obj, dict) else {},
            file_path=self.file_path,
            file_index=self.file_index,
        )
        if not ref.namespace:
            ref.namespace = default_namespace
        return ref


def kind_of(obj: Any) -> tuple[str, str] | None:
    if not isinstance(obj, dict):
        return None
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str):
        return api_version, kind
    return None


class Inputs:
    """Views of the DPF input kinds, keyed by (kind,) namespace and name."""

    __slots__ = (
        "bfbs",
        "configurations",
        "deployments",
        "entries",
        "flavors",
        "invalid",
        "items_by_key",
        "locks",
        "results",
        "templates",
    )

    def __init__(self) -> None:
        self.deployments: list[tuple[Item, model.Deployment]] = []
        self.templates: dict[tuple[str, str], model.Template] = {}
        self.configurations: dict[tuple[str, str], model.Configuration] = {}
        self.bfbs: dict[tuple[str, str, str], model.Bfb] = {}
        self.flavors: dict[tuple[str, str, str], model.Flavor] = {}
        self.locks: dict[tuple[str, str], tuple[Item, DeploymentLock]] = {}  # by the DPUDeployment's key
        self.items_by_key: dict[tuple[str, str, str, str], Item] = {}
        self.entries: list[tuple[Item, ResourceRef]] = []  # every keyed DPF input, in input order
        self.invalid: set[tuple[str, str, str]] = set()  # (kind, namespace, name) of inputs that have errors
        self.results: list[Result] = []


def index_inputs(items: list[Item], default_namespace: str) -> Inputs:
    """Key every DPF input; report duplicates and objects without a name or namespace (no views yet)."""
    index = Inputs()
    for item in items:
        gvk = kind_of(item.obj)
        if gvk is None or gvk not in model.INPUT_KINDS:
            continue
        api_version, kind = gvk
        ref = item.ref(default_namespace)
        problem = _identity_problem(item.obj, kind, ref)
        if problem is not None:
            index.results.append(problem)
            continue
        if not ref.namespace:
            index.results.append(
                R.error(
                    f"{kind} {ref.name} has no metadata.namespace and no default namespace is configured "
                    "(set spec.namespace in the functionConfig, or --namespace)",
                    ref,
                    "metadata.namespace",
                )
            )
            continue
        key = (api_version, kind, ref.namespace, ref.name)
        if key in index.items_by_key:
            first = index.items_by_key[key]
            where = f" (first at {first.file_path})" if first.file_path else ""
            index.results.append(
                R.error(f"{kind} {ref.namespace}/{ref.name} is defined twice{where}", ref, "metadata.name")
            )
            continue
        index.items_by_key[key] = item
        index.entries.append((item, ref))
    return index


def read_views(index: Inputs, verdicts: Sequence[tuple[bool, bool]]) -> None:
    """The views of the keyed inputs, given each entry's schema verdict (has errors, can still be read).

    An input with errors gets no view and is listed in `invalid` (its DPUDeployments report "has errors"),
    except a DPUDeployment that can still be read: its references, versions, fitting, dependsOn and chain
    are still checked, so one run reports every problem; it is never expanded.
    """
    for (item, ref), (invalid, readable) in zip(index.entries, verdicts, strict=True):
        kind = ref.kind
        if invalid:
            index.invalid.add((kind, ref.namespace, ref.name))
        source = model.Source(item.obj, ref)
        if kind == model.DEPLOYMENT and readable:
            view, found = model.read_deployment(source)
            index.deployments.append((item, view))
            index.results.extend(found)
        elif invalid:
            continue
        elif kind == model.TEMPLATE:
            index.templates[(ref.namespace, ref.name)] = model.read_template(source)
        elif kind == model.CONFIGURATION:
            index.configurations[(ref.namespace, ref.name)] = model.read_configuration(source)
        elif kind == LOCK_KIND:
            index.locks[(ref.namespace, ref.name)] = (item, read_lock(item.obj, ref))
        elif kind in (model.BFB, model.BLUEFIELD_SOFTWARE):
            index.bfbs[(kind, ref.namespace, ref.name)] = model.Bfb(source)
        else:
            index.flavors[(kind, ref.namespace, ref.name)] = model.Flavor(source)
    index.deployments.sort(key=lambda pair: (pair[1].namespace, pair[1].name))


def _identity_problem(obj: Any, kind: str, ref: ResourceRef) -> Result | None:
    """An error when the object's metadata, name or namespace is absent or not of the right type."""
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        return R.error(f"{kind} metadata must be a map, not {model.type_name(meta)}", ref, "metadata")
    for field in ("name", "namespace"):
        value = (meta or {}).get(field)
        if value is not None and not isinstance(value, str):
            where = f"{kind} {ref.name}:" if ref.name else kind
            return R.error(
                f"{where} metadata.{field} must be a string, not {model.type_name(value)} ({model.quote(value)})",
                ref,
                f"metadata.{field}",
            )
    if not ref.name:
        return R.error(f"{kind} has no metadata.name", ref, "metadata.name")
    return None


def _annotations(obj: Any) -> dict[str, Any]:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    return annotations if isinstance(annotations, dict) else {}
