"""Problems as values: severities, resource references, KRM results, their order, stderr lines and exit codes.

Every user-caused problem anywhere in dpf-render becomes a `Result` (the KRM functions spec's result object,
with kyaml's field names), collected before anything stops; only this module formats them.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
_SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

EXIT_OK = 0
EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_DISRUPTIVE = 4  # `plan --fail-on-disruptive`: the change is disruptive (apart from 2, a usage error)

# DPF's condition types (`api/dpuservice/v1alpha1/dpudeployment_types.go`), put in `tags.condition` so a result maps to what the controller
# would have reported.
PREREQUISITES = "PrerequisitesReady"
VERSION_MATCHING = "VersionMatchingReady"
RESOURCE_FITTING = "ResourceFittingReady"
SERVICES_RECONCILED = "DPUServicesReconciled"
INTERFACES_RECONCILED = "DPUServiceInterfacesReconciled"
CHAINS_RECONCILED = "DPUServiceChainsReconciled"
SETS_RECONCILED = "DPUSetsReconciled"
INPUT = "InputValid"  # not a DPF condition: what the API server itself would have refused
LOCK_CURRENT = "RevisionLockCurrent"  # not a DPF condition: the revision lock records the render

# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators, as escapes. Printed raw, any of
# them in a name, a field or a file name could start a forged `error:` line, or steer a terminal (ANSI and OSC
# escapes). Filled on first use: most runs print nothing that needs it.
_ESCAPES: dict[int, str] = {}


class ResourceRef:
    """Which object a result is about: apiVersion, kind, namespace, name; plus where it was read from."""

    __slots__ = ("api_version", "file_index", "file_path", "kind", "name", "namespace")

    def __init__(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str = "",
        *,
        file_path: str | None = None,
        file_index: int | None = None,
    ) -> None:
        self.api_version = api_version
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.file_path = file_path
        self.file_index = file_index

    @classmethod
    def of(
        cls, obj: Mapping[str, Any], *, file_path: str | None = None, file_index: int | None = None
    ) -> ResourceRef:
        """The reference of a raw object, tolerant of any shape (it may be the broken object being reported)."""
        meta = obj.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        return cls(
            _text(obj.get("apiVersion")),
            _text(obj.get("kind")),
            _text(meta.get("name")),
            _text(meta.get("namespace")),
            file_path=file_path,
            file_index=file_index,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"apiVersion": self.api_version, "kind": self.kind, "name": self.name}
        if self.namespace:
            out["namespace"] = self.namespace
        return out

    def describe(self) -> str:
        """`Kind ns/name`, as the stderr line shows it."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"

    def __repr__(self) -> str:
        return f"ResourceRef({self.describe()!r})"


class Result:
    """One problem (or note): severity, message, the object, the field path, the file, and the DPF condition."""

    __slots__ = ("condition", "field", "message", "ref", "severity")

    def __init__(
        self,
        severity: str,
        message: str,
        ref: ResourceRef | None = None,
        field: str | None = None,
        *,
        condition: str | None = None,
    ) -> None:
        self.severity = severity
        self.message = message
        self.ref = ref
        self.field = field
        self.condition = condition

    @property
    def file_path(self) -> str | None:
        return self.ref.file_path if self.ref else None

    def to_dict(self) -> dict[str, Any]:
        """The KRM functions spec's result object (kpt prints the message and field path as they are)."""
        out: dict[str, Any] = {"message": printable(self.message), "severity": self.severity}
        if self.ref is not None:
            if self.ref.kind:
                out["resourceRef"] = self.ref.to_dict()
                if self.field:
                    out["field"] = {"path": printable(self.field)}
            if self.ref.file_path:
                out["file"] = {"path": self.ref.file_path, "index": self.ref.file_index or 0}
        if self.condition:
            out["tags"] = {"condition": self.condition}
        return out

    def identity(self) -> tuple[str, int, str, str, str, int, str, str, str, str, str]:
        """Everything the result says, in sort order: file, position, object, severity, field, text, then the
        reference's apiVersion and the condition. Equality, hashing and de-duplication all use it, so two
        results are one exactly when nothing tells them apart."""
        ref = self.ref
        return (
            (ref.file_path or "") if ref else "",
            (ref.file_index or 0) if ref else 0,
            ref.namespace if ref else "",
            ref.name if ref else "",
            ref.kind if ref else "",
            _SEVERITY_RANK.get(self.severity, 3),
            self.field or "",
            self.message,
            ref.api_version if ref else "",
            self.severity,
            self.condition or "",
        )

    def line(self) -> str:
        """`error: <file>: <Kind> <ns>/<name> <field>: <message>`, each part present only when known."""
        parts = [f"{self.severity}:"]
        if self.file_path:
            parts.append(f"{self.file_path}:")
        if self.ref is not None and self.ref.kind:
            parts.append(self.ref.describe())
        if self.field:
            parts.append(self.field)
        head = " ".join(parts)
        head = head if head.endswith(":") else head + ":"
        return printable(f"{head} {self.message}")

    def __str__(self) -> str:
        """kyaml's `[error] group/version/Kind/ns/name field: message`."""
        ref = self.ref
        where = ""
        if ref is not None:
            where = "/".join(p for p in (ref.api_version, ref.kind, ref.namespace, ref.name) if p)
            if self.field:
                where += f" {self.field}"
            where += ": "
        return printable(f"[{self.severity}] {where}{self.message}")

    def __repr__(self) -> str:
        return f"Result({self!s})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Result) and self.identity() == other.identity()

    def __hash__(self) -> int:
        return hash(self.identity())


def error(
    message: str, ref: ResourceRef | None = None, field: str | None = None, *, condition: str | None = INPUT
) -> Result:
    return Result(ERROR, message, ref, field, condition=condition)


def warning(
    message: str, ref: ResourceRef | None = None, field: str | None = None, *, condition: str | None = INPUT
) -> Result:
    return Result(WARNING, message, ref, field, condition=condition)


def sort_results(results: Iterable[Result]) -> list[Result]:
    """Stable order: file, position, object, severity, field, text; duplicates (equal results) removed."""
    unique: dict[tuple[str, int, str, str, str, int, str, str, str, str, str], Result] = {}
    for result in results:
        unique.setdefault(result.identity(), result)
    return [unique[key] for key in sorted(unique)]


def has_errors(results: Iterable[Result], *, strict: bool = False) -> bool:
    failing = (ERROR, WARNING) if strict else (ERROR,)
    return any(r.severity in failing for r in results)


def exit_code(results: Iterable[Result], *, strict: bool = False) -> int:
    return EXIT_INPUT_ERROR if has_errors(results, strict=strict) else EXIT_OK


def stderr_lines(results: Iterable[Result]) -> str:
    """Errors and warnings, one line each (kustomize never shows `results`; Argo CD shows stderr)."""
    return "".join(r.line() + "\n" for r in results if r.severity in (ERROR, WARNING))


def printable(text: str) -> str:
    """`text` as one harmless line: control characters and line separators as escapes (`\\n`, `\\x1b`)."""
    if text.isprintable():
        return text
    if not _ESCAPES:
        _ESCAPES.update({c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))})
        _ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"})
    return text.translate(_ESCAPES)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
