"""The revision lock: which revision of each service and chain of a DPUDeployment is current, kept in Git.

DPF's controller decides per change whether to mint a new revision (a new name, the node effect) or to patch
the current one in place, by comparing the desired objects with the ones live in the cluster. Offline there
is no cluster; a `DPUDeploymentLock` object beside the DPUDeployment records what is current (names, digests,
interface names, and whether the last change rolled out with the node effect), so that every render makes
the decision DPF would make. The lock is optional: without one, every object is rendered as DPF renders it
on first creation. `docs/revisions.md` describes the rules; this module only reads and writes the object.
"""

from __future__ import annotations

from . import naming
from .results import ResourceRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

API_VERSION = "dpf-render.io/v1alpha1"
KIND = "DPUDeploymentLock"
LOCAL_CONFIG = "config.kubernetes.io/local-config"


class Entry:
    """The current revision of one service or of the chain: its name, digests, and (a service's) interface →
    DSI names."""

    __slots__ = ("digest", "interfaces", "name", "rollout", "version")

    def __init__(
        self,
        name: str,
        digest: str,
        *,
        version: str | None = None,
        interfaces: Mapping[str, str] | None = None,
        rollout: bool = False,
    ) -> None:
        self.name = name
        self.digest = digest  # dpf-render's digest of the content this revision was locked with
        self.version = version or digest  # the version annotation written (DPF's, for adopted revisions)
        self.interfaces = dict(interfaces or {})
        self.rollout = rollout  # minted with the node effect by the change this lock records

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "digest": self.digest}
        if self.version != self.digest:
            out["version"] = self.version
        if self.interfaces:
            out["interfaces"] = {k: self.interfaces[k] for k in sorted(self.interfaces)}
        if self.rollout:
            out["rollout"] = True
        return out


class DeploymentLock:
    """The lock of one DPUDeployment (same namespace and name), and the object it was read from, if any."""

    __slots__ = ("chain", "name", "namespace", "ref", "services", "source")

    def __init__(
        self,
        namespace: str,
        name: str,
        services: dict[str, Entry] | None = None,
        chain: Entry | None = None,
        *,
        source: Mapping[str, Any] | None = None,
        ref: ResourceRef | None = None,
    ) -> None:
        self.namespace = namespace
        self.name = name
        self.services = services or {}
        self.chain = chain
        self.source = source
        self.ref = ref

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "services": {key: self.services[key].to_dict() for key in sorted(self.services)}
        }
        if self.chain is not None:
            out["chain"] = self.chain.to_dict()
        return out

    def same_as(self, other: DeploymentLock | None) -> bool:
        return other is not None and self.spec() == other.spec()

    def to_object(self) -> dict[str, Any]:
        """The lock as a Kubernetes-style object, marked local-config so that no tool applies it.

        Annotations of the object it was read from are kept (kpt and kustomize track files through them).
        """
        annotations: dict[str, Any] = {}
        if self.source is not None:
            meta = self.source.get("metadata")
            if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
                annotations.update(meta["annotations"])
        annotations[LOCAL_CONFIG] = "true"
        return {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {
                "annotations": {k: annotations[k] for k in sorted(annotations)},
                "name": self.name,
                "namespace": self.namespace,
            },
            "spec": self.spec(),
        }


def read_lock(obj: Mapping[str, Any], ref: ResourceRef) -> DeploymentLock:
    """A lock from an object `validate/schema.py` has accepted (types and required fields already checked)."""
    spec = obj.get("spec") or {}
    services = {key: _read_entry(entry) for key, entry in (spec.get("services") or {}).items()}
    chain = spec.get("chain")
    chain_entry = _read_entry(chain) if chain is not None else None
    return DeploymentLock(ref.namespace, ref.name, services, chain_entry, source=obj, ref=ref)


def _read_entry(entry: Mapping[str, Any]) -> Entry:
    return Entry(
        entry["name"],
        entry["digest"],
        version=entry.get("version"),
        interfaces=entry.get("interfaces"),
        rollout=bool(entry.get("rollout")),
    )


_DIGEST = {"type": "string", "pattern": "^[0-9a-f]{10}$"}
_NAME = {"type": "string", "minLength": 1, "maxLength": naming.MAX_NAME_LENGTH}
_ENTRY: dict[str, Any] = {
    "type": "object",
    "required": ["name", "digest"],
    "properties": {"name": _NAME, "digest": _DIGEST, "version": _DIGEST, "rollout": {"type": "boolean"}},
}

# The lock's rules, in the CRD vocabulary that `validate/schema.py` walks. Only a service has interfaces.
SCHEMA_SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "services": {
            "type": "object",
            "additionalProperties": {
                **_ENTRY,
                "properties": {
                    **_ENTRY["properties"],
                    "interfaces": {"type": "object", "additionalProperties": _NAME},
                },
            },
        },
        "chain": _ENTRY,
    },
}


def lock_changes(old: DeploymentLock, new: DeploymentLock) -> list[str]:
    """What differs between two locks of one DPUDeployment, one short phrase per service or chain."""
    out: list[str] = []
    for key in sorted(set(old.services) | set(new.services)):
        before, after = old.services.get(key), new.services.get(key)
        if before is None:
            out.append(f"service {key} added")
        elif after is None:
            out.append(f"service {key} removed")
        else:
            out.extend(
                f"service {key} {change}" for change in _entry_changes(before.to_dict(), after.to_dict())
            )
    if old.chain is None and new.chain is not None:
        out.append("chain added")
    elif old.chain is not None and new.chain is None:
        out.append("chain removed")
    elif old.chain is not None and new.chain is not None:
        out.extend(f"chain {change}" for change in _entry_changes(old.chain.to_dict(), new.chain.to_dict()))
    return out


def _entry_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = [
        f"{field} {_short(before.get(field))} → {_short(after.get(field))}"
        for field in ("name", "digest", "version", "interfaces")
        if before.get(field) != after.get(field)
    ]
    if before.get("rollout") != after.get("rollout"):
        out.append("rollout " + ("recorded" if after.get("rollout") else "done"))
    return out


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) + "}"
    return str(value)
