"""DPF's API objects as Go's encoding/json writes them, for DPF's digests (docs/digests.md).

DPF names a revision by `digest.FromObjects` (internal/digest/digest.go): one Go `json.Encoder` over sha256,
each object written in turn as compact JSON and a newline. The objects are DPF's typed structs as its
controller reads them back from the API server, so the same spec gives the same bytes here only after the
API server's treatment of a custom resource: CRD defaults filled in, nulls of non-nullable fields dropped,
unknown fields pruned, numbers in free-form helm values kept as int64 or else float64. The bytes are then
Go's: struct fields in declaration order under their json names, `omitempty` as Go applies it (a nil pointer
or an empty string, map or slice is left out; a struct value never is; a pointer to an empty struct is
`{}`), maps sorted by key, `resource.Quantity` and `intstr.IntOrString` through their own MarshalJSON, and
strings escaped as Go escapes them (`<`, `>`, `&`, U+2028 and U+2029 too).

Inputs are the specs as loaded (plain dicts and lists), already accepted by validate/schema.py. A value DPF's
controller could not read (a port over 65535, a float where an int32 belongs, a NaN in helm values) raises
GoJSONError.
"""

from __future__ import annotations

import math

from .speedups import json_string, sha256

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

DIGEST_LENGTH = 10
DEFAULT_SERVICE_MTU = 1500  # DPUDeploymentSwitch.ServiceMTU, +kubebuilder:default=1500
DEFAULT_SERVICE_TYPE = "NodePort"  # ConfigPorts.ServiceType, +kubebuilder:default:=NodePort

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_INF = float("inf")


class GoJSONError(ValueError):
    """A value DPF's controller (or the API server before it) would refuse; `path` says where."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def within(self, key: str | int) -> GoJSONError:
        step = f"[{key}]" if isinstance(key, int) else key
        joined = (
            step if not self.path else f"{step}{self.path}" if self.path[0] == "[" else f"{step}.{self.path}"
        )
        return GoJSONError(self.message, joined)


# --------------------------------------------------------------------------------------------------------
# Scalars


def go_string(text: str) -> str:
    """A JSON string as Go's encoder writes it: Python's escapes plus HTML-safe `<`, `>`, `&` and U+2028/9.

    json's escaper and Go's agree on the rest (short forms for `\\b \\f \\n \\r \\t` since Go 1.22, `\\u00XX`
    in lower case for other controls, everything else as UTF-8).
    """
    out: str = json_string(text)
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        out = (
            out.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
    return out


def _shortest(value: float) -> tuple[str, str, int]:
    """Sign, shortest round-trip digits and decimal point position p (value = 0.digits x 10^p), for value != 0."""
    text = repr(value)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    return sign, stripped.rstrip("0"), point - (len(digits) - len(stripped))


def _positional(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return f"{digits[:point]}.{digits[point:]}"


def go_float(value: float) -> str:
    """A float64 as Go's JSON encoder writes it: shortest digits, exponent form below 1e-6 and from 1e21."""
    if not math.isfinite(value):
        raise GoJSONError(f"{value!r} is not a JSON number (the API server refuses it)")
    if not value:
        return "-0" if repr(value)[0] == "-" else "0"
    sign, digits, point = _shortest(value)
    exponent = point - 1
    if exponent < -6 or exponent >= 21:
        # strconv's 'e' format, with the encoder's trimming of "e-07" to "e-7".
        head = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
        return f"{sign}{head}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + _positional(digits, point)


def _number(value: float) -> str:  # an int or a float: YAML has both
    """A number of free-form data as the API server stores it: int64 when the JSON text is an integer
    that fits, else float64 (sigs.k8s.io/json's UnmarshalCaseSensitivePreserveInts), then Go's encoding.
    kubectl's YAML reader already turned the YAML number into Go's float64 or integer text."""
    if type(value) is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return str(value)
        try:
            value = float(value)
        except OverflowError:
            raise GoJSONError(f"{value} is out of the range of a JSON number the API server reads") from None
    text = go_float(value)
    return "0" if text == "-0" else text  # "-0" parses as the int64 0


def _float32_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32), which sigs.k8s.io/yaml uses for a float map key."""
    if math.isnan(value):
        return ".nan"
    import struct

    try:
        (single,) = struct.unpack("f", struct.pack("f", value))
    except OverflowError:
        return ".inf" if value > 0 else "-.inf"
    if single in (_INF, -_INF):
        return ".inf" if single > 0 else "-.inf"
    if not single:
        return "-0" if repr(value)[0] == "-" else "0"
    for precision in range(9):  # the fewest digits that read back as the same float32
        text = f"{single:.{precision}e}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    sign = "-" if text[0] == "-" else ""
    mantissa, _, exponent_text = text.lstrip("-").partition("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    exponent = int(exponent_text)
    if exponent < -4 or exponent >= 6:  # %e when shortest, with at least two exponent digits
        head = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
        return f"{sign}{head}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    return sign + _positional(digits, exponent + 1)


def _key_text(key: Any) -> str:
    """A non-string YAML map key as kubectl's YAML-to-JSON conversion (sigs.k8s.io/yaml) names it."""
    if key is True or key is False:
        return "true" if key else "false"
    if type(key) is int:
        if _INT64_MIN <= key <= _INT64_MAX:
            return str(key)
        raise GoJSONError(f"map key {key} is too large for kubectl's YAML reader")
    if type(key) is float:
        return _float32_g(key)
    raise GoJSONError(f"a map key must be a string, number or boolean, not {key!r}")


# --------------------------------------------------------------------------------------------------------
# Free-form values (runtime.RawExtension): the API server's JSON, compacted by the encoder


def _free(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(go_string(value))
    elif kind is dict:
        if all(type(k) is str for k in value):
            items = sorted(value.items())
        else:
            named: dict[str, Any] = {}
            for k, v in value.items():
                name = k if type(k) is str else _key_text(k)
                if name in named:
                    raise GoJSONError(f"keys {k!r} and {name!r} are the same key once in JSON")
                named[name] = v
            items = sorted(named.items())
        out.append("{")
        first = True
        for k, v in items:
            if not first:
                out.append(",")
            first = False
            out.append(go_string(k))
            out.append(":")
            try:
                _free(v, out)
            except GoJSONError as exc:
                raise exc.within(k) from None
        out.append("}")
    elif kind is list:
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            try:
                _free(v, out)
            except GoJSONError as exc:
                raise exc.within(i) from None
        out.append("]")
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is int or kind is float:
        out.append(_number(value))
    else:
        raise GoJSONError(f"{value!r} ({kind.__name__}) is not JSON data")


def free_json(value: Any) -> str:
    """Free-form data (helm values) exactly as DPF's digest writes the RawExtension holding it."""
    out: list[str] = []
    _free(value, out)
    return "".join(out)


# --------------------------------------------------------------------------------------------------------
# resource.Quantity


def _quantity_text(value: Any) -> str:
    """The text Quantity.UnmarshalJSON parses: a string as written, a number as the API server stored it."""
    if type(value) is str:
        return value.strip()
    if type(value) is int or type(value) is float:
        return _number(value)
    raise GoJSONError(f"a quantity must be a string or a number, not {value!r}")


def quantity_json(value: Any) -> str:
    """A resource.Quantity field as DPF writes it in JSON."""
    return f'"{quantity_text(value)}"'


def quantity_text(value: Any) -> str:
    """A resource.Quantity as DPF writes it: the text as written when ParseQuantity kept it, else the
    canonical form ("0.1" and 0.1 become "100m", "1024Mi" becomes "1Gi")."""
    text = _quantity_text(value)
    if not text.isascii():
        raise GoJSONError(f"quantity {text!r} is not a quantity")
    from .quantity import QuantityError, marshal_text

    try:
        return marshal_text(text)
    except QuantityError as exc:
        raise GoJSONError(str(exc)) from None


# --------------------------------------------------------------------------------------------------------
# Typed fields: one small class per Go kind, each knowing its JSON and what omitempty treats as empty


class _Kind:
    __slots__ = ()
    emptiable = False  # whether a present value can be empty for omitempty: only non-pointer kinds

    def empty(self, value: Any) -> bool:
        """Go's omitempty test on the value this input decodes to; absent and null are Go's zero value."""
        return value is None

    def write(self, value: Any, out: list[str]) -> None:
        raise NotImplementedError


class _String(_Kind):
    __slots__ = ("emptiable", "pointer")

    def __init__(self, *, pointer: bool = False) -> None:
        self.pointer = pointer
        self.emptiable = not pointer

    def empty(self, value: Any) -> bool:
        return value is None if self.pointer else not value

    def write(self, value: Any, out: list[str]) -> None:
        if value is None:
            out.append('""')
        elif type(value) is str:
            out.append(go_string(value))
        else:
            raise GoJSONError(f"must be a string, not {value!r}")


class _Bool(_Kind):  # *bool: every bool of these types is a pointer
    __slots__ = ()

    def write(self, value: Any, out: list[str]) -> None:
        if value is True or value is False:
            out.append("true" if value else "false")
        else:
            raise GoJSONError(f"must be a boolean, not {value!r}")


class _Int(_Kind):
    __slots__ = ("emptiable", "high", "low", "pointer")

    def __init__(self, low: int, high: int, *, pointer: bool) -> None:
        self.low, self.high, self.pointer = low, high, pointer
        self.emptiable = not pointer

    def empty(self, value: Any) -> bool:
        return value is None if self.pointer else not value

    def write(self, value: Any, out: list[str]) -> None:
        if value is None:
            out.append("0")
            return
        # The API server stores an integral float (1500.0) as the integer it equals.
        if type(value) is float and value.is_integer():
            value = int(value)
        if type(value) is not int or not self.low <= value <= self.high:
            raise GoJSONError(f"must be an integer from {self.low} to {self.high}, not {value!r}")
        out.append(str(value))


class _IntOrString(_Kind):  # *intstr.IntOrString: an int32 or a string
    __slots__ = ()

    def write(self, value: Any, out: list[str]) -> None:
        if type(value) is str:
            out.append(go_string(value))
            return
        if type(value) is float and value.is_integer():
            value = int(value)
        if type(value) is not int or not -(2**31) <= value < 2**31:
            raise GoJSONError(f"must be a string or an int32, not {value!r}")
        out.append(str(value))


class _Raw(_Kind):  # *runtime.RawExtension
    __slots__ = ()

    def write(self, value: Any, out: list[str]) -> None:
        _free(value, out)


class _Slice(_Kind):
    __slots__ = ("item",)
    emptiable = True

    def __init__(self, item: _Kind) -> None:
        self.item = item

    def empty(self, value: Any) -> bool:
        return not value

    def write(self, value: Any, out: list[str]) -> None:
        if value is None:
            out.append("null")
            return
        if type(value) is not list:
            raise GoJSONError(f"must be a list, not {value!r}")
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            try:
                self.item.write(item, out)
            except GoJSONError as exc:
                raise exc.within(i) from None
        out.append("]")


class _Map(_Kind):
    """map[string]string, or map[ResourceName]Quantity when `quantities`; a null entry is pruned."""

    __slots__ = ("quantities",)
    emptiable = True

    def __init__(self, *, quantities: bool = False) -> None:
        self.quantities = quantities

    def empty(self, value: Any) -> bool:
        if not value:
            return True
        return type(value) is dict and all(v is None for v in value.values())

    def write(self, value: Any, out: list[str]) -> None:
        if value is None:
            out.append("null")
            return
        if type(value) is not dict or not all(type(k) is str for k in value):
            raise GoJSONError(f"must be a map with string keys, not {value!r}")
        out.append("{")
        first = True
        for key, item in sorted(value.items()):
            if item is None:
                continue
            if not first:
                out.append(",")
            first = False
            out.append(go_string(key))
            out.append(":")
            if self.quantities:
                try:
                    out.append(quantity_json(item))
                except GoJSONError as exc:
                    raise exc.within(key) from None
            elif type(item) is str:
                out.append(go_string(item))
            else:
                raise GoJSONError(f"must be a string, not {item!r}", key)
        out.append("}")


_NO_FIELDS: dict[str, Any] = {}


class _Struct(_Kind):
    """A Go struct: fields (json name, kind, omitempty, CRD default) in declaration order."""

    __slots__ = ("fields", "pointer")

    def __init__(self, *fields: tuple[str, _Kind, bool, Any], pointer: bool = False) -> None:
        # Per field: whether omitempty leaves out its zero value (absent or null), and whether a present
        # value can still be empty ("", [], {}), so that the common cases cost no call.
        self.fields = tuple(
            (
                name,
                f'"{name}":',
                kind,
                omitempty and kind.empty(None),
                omitempty and kind.emptiable,
                default,
            )
            for name, kind, omitempty, default in fields
        )
        self.pointer = pointer

    def empty(self, value: Any) -> bool:
        return self.pointer and value is None  # omitempty never leaves out a struct value

    def write(self, value: Any, out: list[str]) -> None:
        if value is None:
            value = _NO_FIELDS
        elif type(value) is not dict:
            raise GoJSONError(f"must be an object, not {value!r}")
        out.append("{")
        first = True
        for name, prefix, kind, omit_zero, check_empty, default in self.fields:
            item = value.get(name)
            if item is None:
                # Absent or null: the API server prunes the null, then applies the CRD default.
                if default is not None:
                    item = default
                elif omit_zero:
                    continue
            elif check_empty and kind.empty(item):
                continue
            if first:
                first = False
                out.append(prefix)
            else:
                out.append("," + prefix)
            try:
                kind.write(item, out)
            except GoJSONError as exc:
                raise exc.within(name) from None
        out.append("}")

    def json(self, value: Any) -> str:
        out: list[str] = []
        self.write(value, out)
        return "".join(out)


def _field(
    name: str, kind: _Kind, *, omitempty: bool = True, default: Any = None
) -> tuple[str, _Kind, bool, Any]:
    return name, kind, omitempty, default


_STRING = _String()
_STRING_POINTER = _String(pointer=True)
_BOOL_POINTER = _Bool()
_STRING_MAP = _Map()
_RESOURCE_LIST = _Map(quantities=True)
_RAW_POINTER = _Raw()
_INT_OR_STRING_POINTER = _IntOrString()

# api/dpuservice/v1alpha1/dpuserviceconfiguration_types.go and dpuservice_types.go (ConfigPorts); the
# k8s.io/api apps/v1 DaemonSetUpdateStrategy with its RollingUpdateDaemonSet.
_ROLLING_UPDATE_DAEMON_SET = _Struct(
    _field("maxUnavailable", _INT_OR_STRING_POINTER),
    _field("maxSurge", _INT_OR_STRING_POINTER),
    pointer=True,
)
_DAEMON_SET_UPDATE_STRATEGY = _Struct(
    _field("type", _STRING),
    _field("rollingUpdate", _ROLLING_UPDATE_DAEMON_SET),
    pointer=True,
)
_SERVICE_DAEMON_SET_VALUES = _Struct(
    _field("updateStrategy", _DAEMON_SET_UPDATE_STRATEGY),
    _field("labels", _STRING_MAP),
    _field("annotations", _STRING_MAP),
    _field("resources", _RESOURCE_LIST),
    pointer=True,
)
_CONFIG_PORT = _Struct(
    _field("name", _STRING, omitempty=False),
    _field("port", _Int(0, 65535, pointer=False), omitempty=False),  # uint16
    _field("protocol", _STRING, omitempty=False),
    _field("nodePort", _Int(0, 65535, pointer=True)),  # *uint16
)
_CONFIG_PORTS = _Struct(
    _field("serviceType", _STRING, default=DEFAULT_SERVICE_TYPE),
    _field("ports", _Slice(_CONFIG_PORT), omitempty=False),
    pointer=True,
)
_SERVICE_CONFIGURATION = _Struct(
    _field("helmChart", _Struct(_field("values", _RAW_POINTER))),
    _field("serviceDaemonSet", _SERVICE_DAEMON_SET_VALUES),
    _field("deployInCluster", _BOOL_POINTER),
    _field("configPorts", _CONFIG_PORTS),
)
_SERVICE_INTERFACE_TEMPLATE = _Struct(
    _field("name", _STRING, omitempty=False),
    _field("network", _STRING, omitempty=False),
    _field("virtualNetwork", _STRING_POINTER),
)
# calculateDPUServiceVersionDigest (internal/dpuservice/controllers/dpudeployment_controller_dpuservice.go)
# encodes the spec embedded in a struct whose own `UpgradePolicy struct{} json:"upgradePolicy"` hides the
# real one: the policy never counts and is always written `{}`, last, as the embedded field's place is.
_CONFIGURATION_SPEC_FOR_DIGEST = _Struct(
    _field("deploymentServiceName", _STRING, omitempty=False),
    _field("serviceConfiguration", _SERVICE_CONFIGURATION),
    _field("interfaces", _Slice(_SERVICE_INTERFACE_TEMPLATE)),
    _field("upgradePolicy", _Struct(), omitempty=False),
)

# api/dpuservice/v1alpha1/dpuservicetemplate_types.go, with HelmChart, ApplicationSource and
# DPUServiceSecurity from dpuservice_types.go (ApplicationSource.Path has no omitempty).
_TEMPLATE_SPEC = _Struct(
    _field("deploymentServiceName", _STRING, omitempty=False),
    _field(
        "helmChart",
        _Struct(
            _field(
                "source",
                _Struct(
                    _field("repoURL", _STRING, omitempty=False),
                    _field("path", _STRING, omitempty=False),
                    _field("version", _STRING, omitempty=False),
                    _field("chart", _STRING),
                    _field("releaseName", _STRING),
                ),
                omitempty=False,
            ),
            _field("values", _RAW_POINTER),
        ),
        omitempty=False,
    ),
    _field("resourceRequirements", _RESOURCE_LIST),
    _field(
        "security",
        _Struct(
            _field("privileged", _BOOL_POINTER),
            _field("spiffe", _Struct(pointer=True)),  # DPUServiceSPIFFE has no fields yet
            pointer=True,
        ),
    ),
)

# api/dpuservice/v1alpha1/dpudeployment_types.go (DPUDeploymentSwitch, DPUDeploymentPort,
# DPUDeploymentService) and servicechain_types.go (ServiceIfc, IPAM).
_IPAM = _Struct(
    _field("matchLabels", _STRING_MAP, omitempty=False),
    _field("defaultGateway", _BOOL_POINTER),
    _field("setDefaultRoute", _BOOL_POINTER),
    _field("requiredIPFamilies", _Slice(_STRING)),
    pointer=True,
)
_SWITCH = _Struct(
    _field(
        "ports",
        _Slice(
            _Struct(
                _field(
                    "service",
                    _Struct(
                        _field("name", _STRING, omitempty=False),
                        _field("interface", _STRING, omitempty=False),
                        _field("ipam", _IPAM),
                        pointer=True,
                    ),
                ),
                _field(
                    "serviceInterface",
                    _Struct(
                        _field("matchLabels", _STRING_MAP, omitempty=False),
                        _field("ipam", _IPAM),
                        pointer=True,
                    ),
                ),
            )
        ),
        omitempty=False,
    ),
    _field("serviceMTU", _Int(_INT64_MIN, _INT64_MAX, pointer=True), default=DEFAULT_SERVICE_MTU),
)
_SWITCHES = _Slice(_SWITCH)


# --------------------------------------------------------------------------------------------------------
# The digests


def digest_of(*documents: str) -> str:
    """DPF's digest of objects already encoded, one JSON document each:
    digest.Short(digest.FromObjects(...), 10)."""
    h = sha256()
    for document in documents:
        try:
            h.update(document.encode("utf-8"))
        except UnicodeEncodeError:
            raise GoJSONError("a string holds a lone surrogate, which is not UTF-8 text") from None
        h.update(b"\n")
    hex_digest: str = h.hexdigest()
    return hex_digest[:DIGEST_LENGTH]


def configuration_spec_json(spec: Mapping[str, Any]) -> str:
    """A DPUServiceConfiguration spec as calculateDPUServiceVersionDigest encodes it (policy hidden)."""
    return _CONFIGURATION_SPEC_FOR_DIGEST.json(spec if type(spec) is dict else dict(spec))


def template_spec_json(spec: Mapping[str, Any]) -> str:
    """A DPUServiceTemplate spec as DPF encodes it."""
    return _TEMPLATE_SPEC.json(spec if type(spec) is dict else dict(spec))


def service_version(config_spec: Mapping[str, Any], template_spec: Mapping[str, Any]) -> str:
    """DPF's service version digest (calculateDPUServiceVersionDigest): the annotation
    `svc.dpu.nvidia.com/dpuservice-version` and the tail of the serviceID.

    `config_spec` must carry its helm values as templated (dependsOn), the template's as written.
    """
    return digest_of(configuration_spec_json(config_spec), template_spec_json(template_spec))


def switches_json(switches: Sequence[Mapping[str, Any]], service_ids: Mapping[str, str] | None = None) -> str:
    """DPUDeployment switches as DPF encodes them, each `service.name` replaced by `service_ids[name]`
    (withResolvedSwitchesServiceIDs; names without an entry stay as written)."""
    if service_ids:
        switches = [
            {
                **switch,
                "ports": [
                    (
                        {**port, "service": {**port["service"], "name": service_ids[port["service"]["name"]]}}
                        if type(port) is dict
                        and type(port.get("service")) is dict
                        and port["service"].get("name") in service_ids
                        else port
                    )
                    for port in switch.get("ports") or ()
                ],
            }
            for switch in switches
        ]
    out: list[str] = []
    _SWITCHES.write(list(switches), out)
    return "".join(out)


def chain_version(
    switches: Sequence[Mapping[str, Any]],
    service_ids: Mapping[str, str] | None = None,
    *,
    deployment: str | None = None,
) -> str:
    """DPF's chain digest (calculateDPUServiceChainVersionDigest, dpudeployment_controller_dpuservicechain.go):
    the annotation `svc.dpu.nvidia.com/dpuservicechain-version`.

    `switches` as written (serviceMTU is defaulted here); `service_ids` maps the service keys the ports name,
    and no others, to their DPUServices' serviceIDs (resolveSwitchesServiceIDs). With `deployment`, DPF's
    exception for clusters upgraded from serviceIDs of the form `dpudeployment_<deployment>_<service>`
    applies: when every serviceID has that form, the switches are hashed with their names as written.
    """
    if (
        service_ids
        and deployment is not None
        and all(
            service_id == f"dpudeployment_{deployment}_{name}" for name, service_id in service_ids.items()
        )
    ):
        service_ids = None
    return digest_of(switches_json(switches, service_ids))


def namespaced_name_json(namespace: str, name: str) -> str:
    """types.NamespacedName: no json tags, so Go writes the field names, in declaration order."""
    return f'{{"Namespace":{go_string(namespace)},"Name":{go_string(name)}}}'


def in_cluster_label_hash(namespace: str, name: str, service: str) -> str:
    """The hash in DPF's in-cluster node label key (getInClusterDPUServiceVersionLabelKey):
    `digest.FromObjects(types.NamespacedName{Namespace, Name}, service)`."""
    return digest_of(namespaced_name_json(namespace, name), go_string(service))
