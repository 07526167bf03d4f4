"""The live-object fixtures of tests/adopt/ are self-consistent as DPF's controller leaves a cluster.

Each case holds `live.yaml` (what `kubectl get ... -A -o yaml` prints: a v1 List), `inputs/` (the Git
intent) and a README. The fixtures were written by hand from DPF's controller
(internal/dpuservice/controllers/dpudeployment_controller*.go), so these checks recompute, from the live
objects and the inputs alone, what the controller would have written: names and suffixes, serviceIDs,
node labels and requestors, node selectors, the aggregated cluster selector, ownerReferences, the
in-cluster label hash (hashlib, over the bytes Go's encoder writes), the merged and templated helm values,
and each child against its CRD in ../shared/crds. The deliberate inconsistencies of `not-adoptable` are
listed below and must stay exactly those.
"""

from __future__ import annotations

import copy
import hashlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from kustomize_plugin import naming

from .conftest import CRDS, REPO, run_dpf_render
from .crds import need_crds
from .test_crd_schema import close
from .test_crd_schema import validator as child_validator

ADOPT = REPO / "tests" / "adopt"
CASES = sorted(p.name for p in ADOPT.iterdir() if (p / "live.yaml").exists())

OWNER = "svc.dpu.nvidia.com/owned-by-dpudeployment"
SERVICE = "svc.dpu.nvidia.com/dpudeployment-service"
VERSION = "svc.dpu.nvidia.com/dpuservice-version"
CHAIN_VERSION = "svc.dpu.nvidia.com/dpuservicechain-version"
IN_CLUSTER_PREFIX = "svc.dpu.nvidia.com/dpuservice-in-cluster-version-"
SERVICE_ID_LABEL = "svc.dpu.nvidia.com/service"
INTERFACE_LABEL = "svc.dpu.nvidia.com/interface"
CONSUMED_BY = "dpu.nvidia.com/consumed-by"
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery utilrand.String
SUFFIX = f"[{ALPHABET}]{{5}}"
DIGEST = re.compile(r"^[0-9a-f]{10}$")
CHILD_KINDS = ("DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain")
KUBECTL_ORDER = ("DPUDeployment", *CHILD_KINDS)  # the order of the kinds in the documented kubectl get

# What each case must show beyond consistency: the rollout flag of its DPUSets, the children DPF cannot see
# (no owner label), and the live revisions whose content differs from the Git intent on purpose.
EXPECTED: dict[str, dict[str, Any]] = {
    "steady-state": {"rolling_out": False, "unlabelled": set(), "differs": set(), "not_in_git": set()},
    "rollout-in-progress": {"rolling_out": True, "unlabelled": set(), "differs": set(), "not_in_git": set()},
    "not-adoptable": {
        "rolling_out": False,
        "unlabelled": {"proxy-g5vnx"},
        "differs": {"proxy-2xk7q"},
        "not_in_git": {"legacy-lab"},
    },
}

Obj = dict[str, Any]


@dataclass
class Case:
    name: str
    live: list[Obj]
    inputs: list[Obj]
    by_kind: dict[str, list[Obj]] = field(default_factory=dict)

    def of(self, kind: str, owner: str | None = None) -> list[Obj]:
        objs = self.by_kind.get(kind, [])
        if owner is None:
            return objs
        return [o for o in objs if labels(o).get(OWNER) == owner]

    def git(self, kind: str, name: str) -> Obj:
        return next(o for o in self.inputs if o["kind"] == kind and o["metadata"]["name"] == name)


@cache
def load(name: str) -> Case:
    folder = ADOPT / name
    doc = yaml.safe_load((folder / "live.yaml").read_text())
    inputs = [
        d for p in sorted((folder / "inputs").glob("*.yaml")) for d in yaml.safe_load_all(p.read_text()) if d
    ]
    case = Case(name, doc["items"], inputs)
    for obj in case.live:
        case.by_kind.setdefault(obj["kind"], []).append(obj)
    return case


def labels(obj: Obj) -> dict[str, str]:
    out: dict[str, str] = obj["metadata"].get("labels") or {}
    return out


def annotations_of(obj: Obj) -> dict[str, str]:
    out: dict[str, str] = obj["metadata"].get("annotations") or {}
    return out


def owner_value(dpud: Obj) -> str:
    return f"{dpud['metadata']['namespace']}_{dpud['metadata']['name']}"


def in_cluster_key(namespace: str, deployment: str, service: str) -> str:
    """DPF's getInClusterDPUServiceVersionLabelKey: digest.FromObjects(types.NamespacedName, service).

    Go's json.Encoder writes the struct's fields in declaration order (Namespace, then Name; the type has
    no JSON tags) and a newline after each object.
    """
    data = f'{{"Namespace":"{namespace}","Name":"{deployment}"}}\n"{service}"\n'.encode()
    return IN_CLUSTER_PREFIX + hashlib.sha256(data).hexdigest()[:10]


def newest_current(objs: list[Obj]) -> Obj:
    """The revision DPF treats as current when several exist: the newest that is not paused."""
    live = [o for o in objs if not o["spec"].get("paused")]
    return max(live, key=lambda o: o["metadata"]["creationTimestamp"])


def services_of(case: Case, dpud: Obj, service: str) -> list[Obj]:
    return [o for o in case.of("DPUService", owner_value(dpud)) if labels(o)[SERVICE] == service]


def aggregated_selector(dpud: Obj) -> Obj | None:
    """getAggregatedDPUClusterSelector: nil unless every DPUSet names clusters; else key In sorted union."""
    dpusets = dpud["spec"]["dpus"].get("dpuSets") or []
    if not dpusets or any(not s.get("dpuClusterSelector") for s in dpusets):
        return None
    values: dict[str, set[str]] = {}
    for s in dpusets:
        for k, v in s["dpuClusterSelector"].items():
            values.setdefault(k, set()).add(v)
    return {
        "matchExpressions": [
            {"key": k, "operator": "In", "values": sorted(values[k])} for k in sorted(values)
        ]
    }


def coalesce(config: Any, template: Any) -> Any:
    """Helm's coalesce as DPF's MergeMaps uses it: the configuration wins, maps merge, lists replace."""
    if config is None:
        return copy.deepcopy(template)
    if template is None or not isinstance(config, dict) or not isinstance(template, dict):
        return copy.deepcopy(config)
    out = copy.deepcopy(config)
    for key, value in template.items():
        out[key] = coalesce(out[key], value) if key in out else copy.deepcopy(value)
    return out


TEMPLATE = re.compile(r"^\{\{\s*\.Services\.([A-Za-z0-9_]+)\.(Name|Namespace)\s*\}\}$")


def render_values(values: Any, current: dict[str, Obj]) -> Any:
    """The few Go template actions the fixtures use: `{{ .Services.<dep>.Name }}` and `.Namespace`."""
    if isinstance(values, dict):
        return {k: render_values(v, current) for k, v in values.items()}
    if isinstance(values, list):
        return [render_values(v, current) for v in values]
    if isinstance(values, str) and (m := TEMPLATE.match(values)):
        dep = current[m.group(1)]["metadata"]
        return dep["name"] if m.group(2) == "Name" else dep["namespace"]
    return values


def deployments(case: Case) -> Iterator[Obj]:
    yield from case.of("DPUDeployment")


# --- shape --------------------------------------------------------------------------------------------


def test_there_are_the_three_cases() -> None:
    assert sorted(EXPECTED) == CASES


@pytest.mark.parametrize("name", CASES)
def test_live_is_a_kubectl_list(name: str) -> None:
    doc = yaml.safe_load((ADOPT / name / "live.yaml").read_text())
    assert (doc["apiVersion"], doc["kind"], doc["metadata"]) == ("v1", "List", {"resourceVersion": ""})
    order = [
        (KUBECTL_ORDER.index(o["kind"]), o["metadata"]["namespace"], o["metadata"]["name"])
        for o in doc["items"]
    ]
    assert order == sorted(order), "kubectl lists kind by kind, in the command's order, each sorted by name"
    assert (ADOPT / name / "README.md").exists()
    uids = [o["metadata"]["uid"] for o in doc["items"]]
    assert len(uids) == len(set(uids))
    for obj in doc["items"]:
        md = obj["metadata"]
        assert isinstance(md["resourceVersion"], str)
        assert md["resourceVersion"].isdigit()
        assert isinstance(md["generation"], int)
        assert md["generation"] >= 1
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", md["creationTimestamp"])
        assert obj["status"]["observedGeneration"] == md["generation"]


@pytest.mark.parametrize("name", CASES)
def test_inputs_render_without_errors(name: str) -> None:
    done = run_dpf_render("render", str(ADOPT / name / "inputs"))
    assert done.returncode == 0, done.stderr.decode()


# --- CRDs ---------------------------------------------------------------------------------------------


@cache
def dpudeployment_validator() -> OAS30Validator:
    crd = yaml.safe_load((CRDS / "svc.dpu.nvidia.com_dpudeployments.yaml").read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema = close(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
    schema["properties"]["metadata"] = {"type": "object"}
    return OAS30Validator(schema)


@pytest.mark.parametrize("name", CASES)
def test_every_live_object_validates_against_its_crd(name: str) -> None:
    need_crds()
    problems = []
    for obj in load(name).live:
        check = dpudeployment_validator() if obj["kind"] == "DPUDeployment" else child_validator(obj["kind"])
        for error in check.iter_errors(obj):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{obj['kind']} {obj['metadata']['name']} {where}: {error.message}")
    assert not problems, "\n".join(problems)


# --- ownership ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_owner_labels_and_references_point_at_a_live_dpudeployment(name: str) -> None:
    case = load(name)
    dpuds = {d["metadata"]["name"]: d for d in deployments(case)}
    unlabelled = set()
    for kind in CHILD_KINDS:
        for obj in case.of(kind):
            refs = obj["metadata"]["ownerReferences"]
            controller = [r for r in refs if r.get("controller")]
            assert len(controller) == 1, f"{obj['metadata']['name']}: one controller reference"
            ref = controller[0]
            owner = dpuds[ref["name"]]
            assert ref == {
                "apiVersion": "svc.dpu.nvidia.com/v1alpha1",
                "blockOwnerDeletion": True,
                "controller": True,
                "kind": "DPUDeployment",
                "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"],
            }
            if OWNER not in labels(obj):
                unlabelled.add(obj["metadata"]["name"])
                continue
            assert labels(obj)[OWNER] == owner_value(owner)
            expected_keys = {OWNER} if kind in ("DPUSet", "DPUServiceChain") else {OWNER, SERVICE}
            assert set(labels(obj)) == expected_keys, f"{obj['metadata']['name']}: DPF's labels exactly"
    assert unlabelled == EXPECTED[name]["unlabelled"]


@pytest.mark.parametrize("name", CASES)
def test_dsis_are_also_owned_by_their_dpuservice(name: str) -> None:
    case = load(name)
    services = {s["metadata"]["name"]: s for s in case.of("DPUService")}
    for dsi in case.of("DPUServiceInterface"):
        others = [r for r in dsi["metadata"]["ownerReferences"] if not r.get("controller")]
        assert len(others) == 1
        svc = services[others[0]["name"]]
        assert others[0] == {
            "apiVersion": "svc.dpu.nvidia.com/v1alpha1",
            "blockOwnerDeletion": False,
            "controller": False,
            "kind": "DPUService",
            "name": svc["metadata"]["name"],
            "uid": svc["metadata"]["uid"],
        }
        assert labels(svc) == labels(dsi)
        assert dsi["metadata"]["name"] in svc["spec"]["interfaces"]
        assert annotations_of(dsi)[CONSUMED_BY] == svc["metadata"]["name"]


@pytest.mark.parametrize("name", CASES)
def test_every_live_dpudeployment_is_in_git_unless_expected(name: str) -> None:
    case = load(name)
    git = {o["metadata"]["name"] for o in case.inputs if o["kind"] == "DPUDeployment"}
    live = {d["metadata"]["name"] for d in deployments(case)}
    assert live - git == EXPECTED[name]["not_in_git"]


# --- names, digests, serviceIDs -----------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_names_digests_and_service_ids(name: str) -> None:
    case = load(name)
    for dpud in deployments(case):
        dname = dpud["metadata"]["name"]
        owner = owner_value(dpud)
        suffixes = [s["nameSuffix"] for s in dpud["spec"]["dpus"]["dpuSets"]]
        assert sorted(s["metadata"]["name"] for s in case.of("DPUSet", owner)) == sorted(
            f"{dname}-{s}" for s in suffixes
        )
        for svc in case.of("DPUService", owner):
            key = labels(svc)[SERVICE]
            assert key in dpud["spec"]["services"]
            assert re.fullmatch(f"{re.escape(key)}-{SUFFIX}", svc["metadata"]["name"])
            digest = annotations_of(svc)[VERSION]
            assert DIGEST.match(digest)
            assert svc["spec"]["serviceID"] == f"{dname}_{key}_{digest}" == svc["status"]["serviceID"]
        for dsi in case.of("DPUServiceInterface", owner):
            key = labels(dsi)[SERVICE]
            inner = dsi["spec"]["template"]["spec"]["template"]
            iface = inner["metadata"]["labels"][INTERFACE_LABEL]
            prefix = f"{key}-{iface.replace('_', '-')}-"
            assert re.fullmatch(f"{re.escape(prefix)}{SUFFIX}", dsi["metadata"]["name"])
            svc = next(
                s for s in case.of("DPUService") if dsi["metadata"]["name"] in s["spec"].get("interfaces", [])
            )
            assert annotations_of(dsi)[VERSION] == annotations_of(svc)[VERSION]
            sid = svc["spec"]["serviceID"]
            assert inner["metadata"]["labels"][SERVICE_ID_LABEL] == sid
            assert inner["spec"] == {
                "interfaceType": "service",
                "service": {
                    "interfaceName": iface,
                    "network": inner["spec"]["service"]["network"],
                    "serviceID": sid,
                },
            }
            assert dsi["spec"]["template"]["metadata"] == {}
        for chain in case.of("DPUServiceChain", owner):
            assert re.fullmatch(f"{re.escape(dname)}-{SUFFIX}", chain["metadata"]["name"])
            assert DIGEST.match(annotations_of(chain)[CHAIN_VERSION])


# --- DPUSets: node labels, requestors, the rollout flag -----------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_dpuset_node_labels_name_the_current_revisions(name: str) -> None:
    case = load(name)
    for dpud in deployments(case):
        ns, dname = dpud["metadata"]["namespace"], dpud["metadata"]["name"]
        owner = owner_value(dpud)
        expected = {OWNER: owner}
        for key in dpud["spec"]["services"]:
            current = newest_current(services_of(case, dpud, key))
            if current["spec"].get("deployInCluster"):
                expected[in_cluster_key(ns, dname, key)] = current["metadata"]["name"]
            else:
                expected[f"svc.dpu.nvidia.com/dpuservice-{key}-version"] = current["metadata"]["name"]
        if dpud["spec"].get("serviceChains"):
            chains = case.of("DPUServiceChain", owner)
            expected[CHAIN_VERSION] = newest_current(chains)["metadata"]["name"]
        requestors = sorted({f"{owner}_{v}" for k, v in expected.items() if k != OWNER})
        for dpuset in case.of("DPUSet", owner):
            spec = dpuset["spec"]["dpuTemplate"]["spec"]
            assert spec["cluster"]["nodeLabels"] == expected
            assert spec["nodeEffect"]["nodeMaintenanceAdditionalRequestors"] == requestors
            # Every value names a live object of this DPUDeployment.
            names = {o["metadata"]["name"] for k in CHILD_KINDS for o in case.of(k, owner)}
            assert {v for k, v in expected.items() if k != OWNER} <= names


@pytest.mark.parametrize("name", CASES)
def test_dpusets_copy_the_dpudeployment(name: str) -> None:
    case = load(name)
    for dpud in deployments(case):
        dpus = dpud["spec"]["dpus"]
        for entry in dpus["dpuSets"]:
            dpuset = next(
                s
                for s in case.of("DPUSet", owner_value(dpud))
                if s["metadata"]["name"] == f"{dpud['metadata']['name']}-{entry['nameSuffix']}"
            )
            spec = dpuset["spec"]
            assert spec["strategy"] == dpus["dpuSetStrategy"]
            assert spec["dpuNodeSelector"] == entry["dpuNodeSelector"]
            inner = spec["dpuTemplate"]["spec"]
            assert inner["bfb"] == {"name": dpus["bfb"]}
            assert inner["dpuFlavor"] == dpus["flavor"]
            effect = {k: v for k, v in inner["nodeEffect"].items() if k in dpus["nodeEffect"]}
            assert effect == dpus["nodeEffect"]
            if "dpuClusterSelector" in entry:
                assert inner["cluster"]["selector"] == {"matchLabels": entry["dpuClusterSelector"]}
            else:
                assert "selector" not in inner["cluster"]


@pytest.mark.parametrize("name", CASES)
def test_apply_on_label_change_is_set_exactly_while_a_rollout_is_in_flight(name: str) -> None:
    case = load(name)
    flags = {s["spec"]["dpuTemplate"]["spec"]["nodeEffect"]["applyOnLabelChange"] for s in case.of("DPUSet")}
    assert flags == {EXPECTED[name]["rolling_out"]}
    paused = [s for s in case.of("DPUService") if s["spec"].get("paused")]
    several_chains = any(len(case.of("DPUServiceChain", owner_value(d))) > 1 for d in deployments(case))
    assert bool(paused or several_chains) == EXPECTED[name]["rolling_out"]
    for old in paused:  # an old revision is older than the revision that replaced it
        current = newest_current(services_of(case, dpud_of(case, old), labels(old)[SERVICE]))
        assert old["metadata"]["creationTimestamp"] < current["metadata"]["creationTimestamp"]


def dpud_of(case: Case, child: Obj) -> Obj:
    return next(d for d in deployments(case) if owner_value(d) == labels(child).get(OWNER))


# --- DPUServices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_dpuservice_node_selectors_security_and_cluster_selector(name: str) -> None:
    case = load(name)
    for dpud in deployments(case):
        ns, dname = dpud["metadata"]["namespace"], dpud["metadata"]["name"]
        owner = owner_value(dpud)
        for svc in case.of("DPUService", owner):
            key, spec = labels(svc)[SERVICE], svc["spec"]
            own = svc["metadata"]["name"]
            terms = spec["serviceDaemonSet"]["nodeSelector"]["nodeSelectorTerms"]
            assert spec["serviceDaemonSet"]["labels"][SERVICE] == key
            assert spec["helmChart"]["source"]["path"] == ""
            if spec.get("deployInCluster"):
                version = {"key": in_cluster_key(ns, dname, key), "operator": "In", "values": [own]}
                expected = [
                    {"matchExpressions": [version, {"key": k, "operator": "In", "values": [v]}]}
                    for s in dpud["spec"]["dpus"]["dpuSets"]
                    for k, v in s["dpuNodeSelector"]["matchLabels"].items()
                ]
                assert terms == expected
                assert "security" not in spec
                assert "dpuClusterSelector" not in spec
            else:
                assert terms == [
                    {
                        "matchExpressions": [
                            {
                                "key": f"svc.dpu.nvidia.com/dpuservice-{key}-version",
                                "operator": "In",
                                "values": [own],
                            },
                            {"key": OWNER, "operator": "In", "values": [owner]},
                        ]
                    }
                ]
                assert isinstance(spec["security"]["privileged"], bool)
                assert spec.get("dpuClusterSelector") == aggregated_selector(dpud)
            if "interfaces" in spec:
                assert spec["interfaces"] == sorted(spec["interfaces"])


@pytest.mark.parametrize("name", CASES)
def test_current_dpuservices_carry_the_git_intent(name: str) -> None:
    """Merged and templated values, source and security of each current revision equal the inputs'."""
    case = load(name)
    differs = set()
    for dpud in deployments(case):
        git_dpud = [
            o
            for o in case.inputs
            if o["kind"] == "DPUDeployment" and o["metadata"]["name"] == dpud["metadata"]["name"]
        ]
        if not git_dpud:
            continue
        current = {k: newest_current(services_of(case, dpud, k)) for k in dpud["spec"]["services"]}
        for key, ref in git_dpud[0]["spec"]["services"].items():
            config = case.git("DPUServiceConfiguration", ref["serviceConfiguration"])["spec"]
            template = case.git("DPUServiceTemplate", ref["serviceTemplate"])["spec"]
            values = config.get("serviceConfiguration", {}).get("helmChart", {}).get("values")
            if ref.get("dependsOn"):
                values = render_values(values, current)
            svc = current[key]["spec"]
            if svc["helmChart"].get("values") != coalesce(values, template["helmChart"].get("values")):
                differs.add(current[key]["metadata"]["name"])
            assert svc["helmChart"]["source"] == {"path": "", **template["helmChart"]["source"]}
            if not svc.get("deployInCluster"):
                privileged = template.get("security", {}).get("privileged", True)
                assert svc["security"] == {"privileged": privileged}
            dset = config.get("serviceConfiguration", {}).get("serviceDaemonSet", {})
            assert svc["serviceDaemonSet"]["labels"] == {**dset.get("labels", {}), SERVICE: key}
            for field_name in ("annotations", "resources", "updateStrategy"):
                assert svc["serviceDaemonSet"].get(field_name) == dset.get(field_name)
    assert differs == EXPECTED[name]["differs"]


# --- DSIs and chains ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_dsi_and_chain_node_selectors(name: str) -> None:
    case = load(name)
    services = {s["metadata"]["name"]: s for s in case.of("DPUService")}
    for dsi in case.of("DPUServiceInterface"):
        svc = services[
            next(r["name"] for r in dsi["metadata"]["ownerReferences"] if r["kind"] == "DPUService")
        ]
        svc_terms = svc["spec"]["serviceDaemonSet"]["nodeSelector"]["nodeSelectorTerms"]
        assert dsi["spec"]["template"]["spec"]["nodeSelector"] == {
            "matchExpressions": svc_terms[0]["matchExpressions"]
        }
    for dpud in deployments(case):
        owner = owner_value(dpud)
        git_switches = (dpud["spec"].get("serviceChains") or {}).get("switches", [])
        ids = {s["spec"]["serviceID"] for s in case.of("DPUService", owner)}
        for chain in case.of("DPUServiceChain", owner):
            spec = chain["spec"]["template"]
            assert spec["metadata"] == {}
            assert spec["spec"]["template"]["metadata"] == {}
            assert spec["spec"]["nodeSelector"] == {
                "matchExpressions": [
                    {"key": CHAIN_VERSION, "operator": "In", "values": [chain["metadata"]["name"]]},
                    {"key": OWNER, "operator": "In", "values": [owner]},
                ]
            }
            switches = spec["spec"]["template"]["spec"]["switches"]
            assert len(switches) == len(git_switches)
            for sw, git_sw in zip(switches, git_switches, strict=True):
                assert sw["serviceMTU"] == git_sw["serviceMTU"]
                for port, git_port in zip(sw["ports"], git_sw["ports"], strict=True):
                    if "serviceInterface" in git_port:
                        assert port == git_port
                        continue
                    labels_ = port["serviceInterface"]["matchLabels"]
                    assert labels_[INTERFACE_LABEL] == git_port["service"]["interface"]
                    sid = labels_[SERVICE_ID_LABEL]
                    assert sid in ids
                    assert sid.split("_")[1] == git_port["service"]["name"]
        if git_switches:  # the current chain selects the current revision of each service it names
            current = newest_current(case.of("DPUServiceChain", owner))
            for sw in current["spec"]["template"]["spec"]["template"]["spec"]["switches"]:
                for port in sw["ports"]:
                    sid = port["serviceInterface"]["matchLabels"].get(SERVICE_ID_LABEL)
                    if sid:
                        key = sid.split("_")[1]
                        assert sid == newest_current(services_of(case, dpud, key))["spec"]["serviceID"]


# --- coverage of what the cases are for -----------------------------------------------------------------


def test_steady_state_covers_the_brief() -> None:
    case = load("steady-state")
    (dpud,) = deployments(case)
    configs = {
        c["metadata"]["name"]: c["spec"] for c in case.inputs if c["kind"] == "DPUServiceConfiguration"
    }
    assert len(dpud["spec"]["services"]) >= 3
    assert any(c["serviceConfiguration"].get("deployInCluster") for c in configs.values())
    assert any(c.get("upgradePolicy", {}).get("applyNodeEffect") is False for c in configs.values())
    assert any(
        c.get("interfaces") and c.get("upgradePolicy", {}).get("applyNodeEffect", True)
        for c in configs.values()
    )
    assert any("dependsOn" in s for s in dpud["spec"]["services"].values())
    dpusets = dpud["spec"]["dpus"]["dpuSets"]
    assert len(dpusets) == 2
    assert sum("dpuClusterSelector" in s for s in dpusets) == 1
    ports = [p for sw in dpud["spec"]["serviceChains"]["switches"] for p in sw["ports"]]
    assert any("service" in p for p in ports)
    assert any("ipam" in p.get("serviceInterface", {}) for p in ports)


def test_the_in_cluster_hash_is_go_s_bytes() -> None:
    """Pinned: the key in the fixtures, and that a key-sorted encoding would give another one."""
    assert in_cluster_key("dpf-operator-system", "edge-fabric", "collector").endswith("86cb29fce8")
    sorted_keys = b'{"Name":"edge-fabric","Namespace":"dpf-operator-system"}\n"collector"\n'
    assert hashlib.sha256(sorted_keys).hexdigest()[:10] != "86cb29fce8"


def test_dpf_render_writes_dpf_s_in_cluster_key() -> None:
    """The fixtures' key is the one dpf-render writes (it once hashed the key-sorted form)."""
    key = naming.in_cluster_version_label("dpf-operator-system", "edge-fabric", "collector")
    assert key == in_cluster_key("dpf-operator-system", "edge-fabric", "collector")


def test_the_checks_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DPUSet whose node label names no live object, and a wrong serviceID, are caught."""
    case = load("steady-state")
    broken = copy.deepcopy(case.live)
    dpuset = next(o for o in broken if o["kind"] == "DPUSet")
    node_labels = dpuset["spec"]["dpuTemplate"]["spec"]["cluster"]["nodeLabels"]
    node_labels["svc.dpu.nvidia.com/dpuservice-router-version"] = "router-zzzzz"
    svc = next(o for o in broken if o["kind"] == "DPUService")
    svc["spec"]["serviceID"] = "edge-fabric_x_0000000000"
    bad = Case("steady-state", broken, case.inputs)
    for obj in broken:
        bad.by_kind.setdefault(obj["kind"], []).append(obj)
    monkeypatch.setattr(sys.modules[__name__], "load", lambda _name: bad)
    with pytest.raises(AssertionError):
        test_dpuset_node_labels_name_the_current_revisions("steady-state")
    with pytest.raises(AssertionError):
        test_names_digests_and_service_ids("steady-state")
