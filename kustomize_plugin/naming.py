"""Every suffix, name, label key and serviceID of the rendered children, in one place.

docs/revisions.md says which change renames what; docs/digests.md how DPF's own digests, which names and
serviceIDs carry, are reproduced (gojson.py).

DPF's controller names new revisions with random 5-character suffixes; offline we derive the same shape of
suffix from a hash of what identifies the object, so the same inputs give the same names on every machine.
A disruptive change folds the content digest into the key (a new name: a new revision, as DPF creates one);
a non-disruptive change does not (the same name: the object is updated in place).
"""

from __future__ import annotations

from .speedups import sha256

OWNER_LABEL = "svc.dpu.nvidia.com/owned-by-dpudeployment"
SERVICE_LABEL = "svc.dpu.nvidia.com/dpudeployment-service"
SERVICE_VERSION_ANNOTATION = "svc.dpu.nvidia.com/dpuservice-version"
CHAIN_VERSION_KEY = "svc.dpu.nvidia.com/dpuservicechain-version"
SERVICE_ID_LABEL = "svc.dpu.nvidia.com/service"
INTERFACE_LABEL = "svc.dpu.nvidia.com/interface"

SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' generateName alphabet: no vowels, no 0/1/3
SUFFIX_LENGTH = 5
MAX_NAME_LENGTH = 63

# Character sets rather than regular expressions: every render checks names, and compiling patterns is a
# measurable part of the KRM function's start-up.
_ALNUM_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_DNS1123_CHARS = _ALNUM_LOWER | {"-"}
_ALNUM = _ALNUM_LOWER | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LABEL_CHARS = _ALNUM | {"-", "_", "."}


def is_dns1123_label(name: str) -> bool:
    """`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, the whole string."""
    return (
        bool(name)
        and name[0] in _ALNUM_LOWER
        and name[-1] in _ALNUM_LOWER
        and _DNS1123_CHARS.issuperset(name)
    )


def _is_label_value(value: str) -> bool:
    """`(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, the whole string."""
    return not value or (value[0] in _ALNUM and value[-1] in _ALNUM and _LABEL_CHARS.issuperset(value))


def suffix(key: str) -> str:
    """5 characters of the generateName alphabet, from the first 8 bytes of sha256(key)."""
    n = int.from_bytes(sha256(key.encode("utf-8")).digest()[:8], "big")
    out = []
    for _ in range(SUFFIX_LENGTH):
        n, i = divmod(n, len(SUFFIX_ALPHABET))
        out.append(SUFFIX_ALPHABET[i])
    return "".join(out)


def _versioned(key: str, content_digest: str, disruptive: bool) -> str:
    return f"{key}/{content_digest}" if disruptive else key


def dpuset_name(deployment: str, name_suffix: str) -> str:
    return f"{deployment}-{name_suffix}"


def dpuservice_name(
    namespace: str, deployment: str, service: str, service_digest: str, *, disruptive: bool
) -> str:
    key = _versioned(f"{namespace}/{deployment}/{service}", service_digest, disruptive)
    return f"{service}-{suffix(key)}"


def interface_name(
    namespace: str, deployment: str, service: str, interface: str, service_digest: str, *, disruptive: bool
) -> str:
    key = _versioned(f"{namespace}/{deployment}/{service}/{interface}", service_digest, disruptive)
    return f"{service}-{interface.replace('_', '-')}-{suffix(key)}"


def chain_name(namespace: str, deployment: str, revision: str) -> str:
    """`revision` changes exactly when DPF would mint a new chain revision (empty: the chain's first and only
    revision while nothing makes it disruptive); docs/revisions.md."""
    key = f"{namespace}/{deployment}/{revision}" if revision else f"{namespace}/{deployment}"
    return f"{deployment}-{suffix(key)}"


def service_id(deployment: str, service: str, service_digest: str) -> str:
    return f"{deployment}_{service}_{service_digest}"


def owner_value(namespace: str, deployment: str) -> str:
    """The owner label value `<ns>_<name>` (an underscore: neither part can contain one)."""
    return f"{namespace}_{deployment}"


def requestor(namespace: str, deployment: str, object_name: str) -> str:
    """A DPUSet nodeMaintenanceAdditionalRequestors entry."""
    return f"{namespace}_{deployment}_{object_name}"


def service_version_label(service: str) -> str:
    """The DPU node label that points at a DPU-side service's current DPUService."""
    return f"svc.dpu.nvidia.com/dpuservice-{service}-version"


def in_cluster_version_label(namespace: str, deployment: str, service: str) -> str:
    """The host node label key for an in-cluster service: DPF's getInClusterDPUServiceVersionLabelKey hashes
    the DPUDeployment's types.NamespacedName and the service key as Go's encoding/json writes them."""
    from .gojson import in_cluster_label_hash

    return f"svc.dpu.nvidia.com/dpuservice-in-cluster-version-{in_cluster_label_hash(namespace, deployment, service)}"


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an object name (DNS-1123 label, at most 63 characters), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"name {name!r} is {len(name)} characters long, more than {MAX_NAME_LENGTH}"
    if not is_dns1123_label(name):
        return f"name {name!r} is not a DNS-1123 label (lower case alphanumerics and '-', starting and ending alphanumeric)"
    return None


def label_value_problem(value: str) -> str | None:
    """Why `value` cannot be a label value, or None."""
    if len(value) > MAX_NAME_LENGTH:
        return f"label value {value!r} is {len(value)} characters long, more than {MAX_NAME_LENGTH}"
    if not _is_label_value(value):
        return f"label value {value!r} is not a valid label value"
    return None
