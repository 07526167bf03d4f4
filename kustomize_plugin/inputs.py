"""The input objects, indexed: which items are DPF kinds dpf-render reads, by kind, namespace and name.

Items are raw dicts with where they came from. Namespaces are resolved here once (an item without one takes
the configured default), and views are built once per object, whatever number of DPUDeployments use it.
"""

from __future__ import annotations

from . import model
from . import results as R
from .lock import DeploymentLock, read_lock
from .results import ResourceRef
from .validate import schema

TYPE_CHECKING = False
if TYPE_CHECKING:
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


class Inputs:
    """Views of the DPF input kinds, keyed by (kind,) namespace and name."""

    __slots__ = (
        "bfbs",
        "configurations",
        "deployments",
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
        self.invalid: set[tuple[str, str, str]] = set()  # (kind, namespace, name) of inputs that have errors
        self.results: list[Result] = []


def kind_of(obj: Any) -> tuple[str, str] | None:
    if not isinstance(obj, dict):
        return None
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str):
        return api_version, kind
    return None


def index_inputs(items: list[Item], default_namespace: str) -> Inputs:
    """Build views of every DPF input kind; report duplicates and objects without a name or namespace."""
    index = Inputs()
    for item in items:
        gvk = kind_of(item.obj)
        if gvk is None or gvk not in model.INPUT_KINDS:
            continue
        api_version, kind = gvk
        ref = item.ref(default_namespace)
        if not ref.name:
            index.results.append(R.error(f"{kind} has no metadata.name", ref, "metadata.name"))
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
        problems = schema.check_object(item.obj, ref)
        index.results.extend(problems)
        if R.has_errors(problems):
            index.invalid.add((kind, ref.namespace, ref.name))
            continue
        source = model.Source(item.obj, ref)
        if kind == model.DEPLOYMENT:
            view, found = model.read_deployment(source)
            index.deployments.append((item, view))
            index.results.extend(found)
        elif kind == model.TEMPLATE:
            index.templates[(ref.namespace, ref.name)] = model.read_template(source)
        elif kind == model.CONFIGURATION:
            index.configurations[(ref.namespace, ref.name)] = model.read_configuration(source)
        elif kind == model.LOCK:
            index.locks[(ref.namespace, ref.name)] = (item, read_lock(item.obj, ref))
        elif kind in (model.BFB, model.BLUEFIELD_SOFTWARE):
            index.bfbs[(kind, ref.namespace, ref.name)] = model.Bfb(source)
        else:
            index.flavors[(kind, ref.namespace, ref.name)] = model.Flavor(source)
    index.deployments.sort(key=lambda pair: (pair[1].namespace, pair[1].name))
    return index


def _annotations(obj: Any) -> dict[str, Any]:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    return annotations if isinstance(annotations, dict) else {}
