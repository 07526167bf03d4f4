"""Which change renames what, and which drains: DPF's revision table, one base/head pair per row.

DPF's controller decides per change whether a child gets a new revision (a new name) or is patched in
place, and whether the DPUSets' node labels change while `applyOnLabelChange` is set (the node effect:
drain). Each row below is a change to one base scenario, with DPF's outcome (read from its controller and
tests: internal/dpuservice/controllers/dpudeployment_controller*.go) and, where an offline render without
a revision lock cannot reach it, the documented deviation (docs/revisions.md). Outcomes are read from the
rendered objects only: "renamed" = a child whose identity (kind, service, interface) is on both sides under
another name; "node effect" = a DPUSet whose `cluster.nodeLabels` change while its head side has
`applyOnLabelChange: true`.

Each row runs three ways: without a lock; with the lock of the base render (as committed before the
change), which must give DPF's outcome exactly; and with the lock updated for the head (as committed with
the change), which must render the same bytes. `plan` must name the node effect, and on a deviation say
what DPF would do.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from kustomize_plugin import pipeline, yamldump, yamlload
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item
from kustomize_plugin.review.plan import plan_renders
from kustomize_plugin.review.plan_report import format_text

Objects = list[dict[str, Any]]

BASE = """
apiVersion: provisioning.dpu.nvidia.com/v1alpha1
kind: BFB
metadata: {name: bundle, namespace: dpf}
spec: {url: "https://images.example.com/bf-bundle-2.9.1-40_25.01_ubuntu-22.04_prod.bfb"}
---
apiVersion: provisioning.dpu.nvidia.com/v1alpha1
kind: DPUFlavor
metadata: {name: flavor, namespace: dpf}
spec: {}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceTemplate
metadata: {name: fw, namespace: dpf}
spec:
  deploymentServiceName: fw
  helmChart:
    source: {repoURL: "oci://registry.example.com/charts", chart: fw, version: 1.0.0}
    values: {mode: strict}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceConfiguration
metadata: {name: fw, namespace: dpf}
spec:
  deploymentServiceName: fw
  serviceConfiguration:
    helmChart:
      values: {rate: 100, tuning: {queues: 4, burst: 8}}
    serviceDaemonSet:
      labels: {team: edge}
    configPorts:
      ports:
      - {name: metrics, port: 9100, protocol: TCP}
  interfaces:
  - {name: p0, network: net-a}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceTemplate
metadata: {name: mon, namespace: dpf}
spec:
  deploymentServiceName: mon
  helmChart:
    source: {repoURL: "oci://registry.example.com/charts", chart: mon, version: 1.0.0}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceConfiguration
metadata: {name: mon, namespace: dpf}
spec:
  deploymentServiceName: mon
  serviceConfiguration:
    helmChart:
      values: {interval: 10}
  interfaces:
  - {name: tap, network: net-b}
  upgradePolicy: {applyNodeEffect: false}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceTemplate
metadata: {name: ctl, namespace: dpf}
spec:
  deploymentServiceName: ctl
  helmChart:
    source: {repoURL: "oci://registry.example.com/charts", chart: ctl, version: 1.0.0}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceConfiguration
metadata: {name: ctl, namespace: dpf}
spec:
  deploymentServiceName: ctl
  serviceConfiguration:
    deployInCluster: true
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUDeployment
metadata: {name: demo, namespace: dpf}
spec:
  dpus:
    bfb: bundle
    flavor: flavor
    nodeEffect: {drain: true}
    dpuSetStrategy: {type: RollingUpdate}
    dpuSets:
    - nameSuffix: a
      dpuNodeSelector: {matchLabels: {rack: a}}
    - nameSuffix: b
      dpuNodeSelector: {matchLabels: {rack: b}}
  services:
    fw: {serviceTemplate: fw, serviceConfiguration: fw}
    mon: {serviceTemplate: mon, serviceConfiguration: mon}
    ctl: {serviceTemplate: ctl, serviceConfiguration: ctl}
  serviceChains:
    upgradePolicy: {applyNodeEffect: false}
    switches:
    - ports:
      - service: {name: fw, interface: p0}
      - service: {name: mon, interface: tap}
"""
EXTRA = """
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceTemplate
metadata: {name: extra, namespace: dpf}
spec:
  deploymentServiceName: extra
  helmChart:
    source: {repoURL: "oci://registry.example.com/charts", chart: extra, version: 1.0.0}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceConfiguration
metadata: {name: extra, namespace: dpf}
spec:
  deploymentServiceName: extra
"""


def base(*, chain_policy: bool = False) -> Objects:
    objs: Objects = yamlload.load_documents(BASE)
    if chain_policy:
        deployment(objs)["spec"]["serviceChains"]["upgradePolicy"]["applyNodeEffect"] = True
    return objs


def find(objs: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)


def deployment(objs: Objects) -> dict[str, Any]:
    return find(objs, "DPUDeployment", "demo")


def configuration(objs: Objects, name: str) -> dict[str, Any]:
    return find(objs, "DPUServiceConfiguration", name)


# --------------------------------------------------------------------------------------------------------
# The changes


def fw_values(objs: Objects) -> None:
    configuration(objs, "fw")["spec"]["serviceConfiguration"]["helmChart"]["values"]["rate"] = 200


def ctl_values(objs: Objects) -> None:
    configuration(objs, "ctl")["spec"]["serviceConfiguration"]["helmChart"] = {"values": {"replicas": 2}}


def mon_values(objs: Objects) -> None:
    configuration(objs, "mon")["spec"]["serviceConfiguration"]["helmChart"]["values"]["interval"] = 20


def chain_mtu(objs: Objects) -> None:
    deployment(objs)["spec"]["serviceChains"]["switches"][0]["serviceMTU"] = 9000


def reorder_values(objs: Objects) -> None:
    values = configuration(objs, "fw")["spec"]["serviceConfiguration"]["helmChart"]["values"]
    values["tuning"] = dict(reversed(list(values["tuning"].items())))
    configuration(objs, "fw")["spec"]["serviceConfiguration"]["helmChart"]["values"] = dict(
        reversed(list(values.items()))
    )


def write_default_service_type(objs: Objects) -> None:
    configuration(objs, "fw")["spec"]["serviceConfiguration"]["configPorts"]["serviceType"] = "NodePort"


def add_empty_annotations(objs: Objects) -> None:
    configuration(objs, "fw")["spec"]["serviceConfiguration"]["serviceDaemonSet"]["annotations"] = {}


def add_empty_helm_chart(objs: Objects) -> None:
    configuration(objs, "ctl")["spec"]["serviceConfiguration"]["helmChart"] = {}


def add_empty_daemon_set(objs: Objects) -> None:
    configuration(objs, "mon")["spec"]["serviceConfiguration"]["serviceDaemonSet"] = {}


def write_default_policy(objs: Objects) -> None:
    configuration(objs, "fw")["spec"]["upgradePolicy"] = {"applyNodeEffect": True}


def flip_fw_policy(objs: Objects) -> None:
    configuration(objs, "fw")["spec"]["upgradePolicy"] = {"applyNodeEffect": False}


def flip_mon_policy(objs: Objects) -> None:
    configuration(objs, "mon")["spec"]["upgradePolicy"] = {"applyNodeEffect": True}


def add_service(*, disruptive: bool) -> Callable[[Objects], None]:
    def change(objs: Objects) -> None:
        extra = yamlload.load_documents(EXTRA)
        if not disruptive:
            extra[1]["spec"]["upgradePolicy"] = {"applyNodeEffect": False}
        objs.extend(extra)
        deployment(objs)["spec"]["services"]["extra"] = {
            "serviceTemplate": "extra",
            "serviceConfiguration": "extra",
        }

    return change


def remove_ctl(objs: Objects) -> None:
    del deployment(objs)["spec"]["services"]["ctl"]


def change_bfb_and_add_dpuset(objs: Objects) -> None:
    find(objs, "BFB", "bundle")["spec"]["url"] = (
        "https://images.example.com/bf-bundle-2.9.2-41_25.01_ubuntu-22.04_prod.bfb"
    )
    deployment(objs)["spec"]["dpus"]["dpuSets"].append(
        {"nameSuffix": "c", "dpuNodeSelector": {"matchLabels": {"rack": "c"}}}
    )


# --------------------------------------------------------------------------------------------------------
# The table

FW = frozenset({"DPUService fw", "DPUServiceInterface fw/p0"})
CHAIN = frozenset({"DPUServiceChain"})


class Outcome(NamedTuple):
    renamed: frozenset[str]
    node_effect: bool


class Row:
    def __init__(
        self,
        change: Callable[[Objects], None],
        dpf: Outcome,
        *,
        chain_policy: bool = False,
        without_lock: Outcome | None = None,
        dpf_says: str = "",
    ) -> None:
        self.change = change
        self.dpf = dpf
        self.chain_policy = chain_policy
        self.without_lock = without_lock or dpf  # a deviation from DPF, documented in docs/revisions.md
        self.dpf_says = dpf_says  # what `plan` must say about DPF on the deviation


NOTHING = Outcome(frozenset(), node_effect=False)

ROWS: dict[str, Row] = {
    # ctl is not in the chain: the chain's digest (over the serviceIDs it selects) is unchanged, so DPF keeps it.
    "1-disruptive-service-values-outside-the-chain": Row(
        ctl_values, Outcome(frozenset({"DPUService ctl"}), node_effect=True)
    ),
    "1-disruptive-service-values-chain-policy": Row(
        fw_values, Outcome(FW | CHAIN, node_effect=True), chain_policy=True
    ),
    "2-non-disruptive-service-values": Row(mon_values, NOTHING),
    "2b-non-disruptive-service-values-chain-policy": Row(
        mon_values, Outcome(CHAIN, node_effect=True), chain_policy=True
    ),
    "3-chain-switches-chain-policy-false": Row(chain_mtu, NOTHING),
    "4-chain-switches-chain-policy-true": Row(chain_mtu, Outcome(CHAIN, node_effect=True), chain_policy=True),
    "5-values-key-order": Row(reorder_values, NOTHING, chain_policy=True),
    "5-crd-default-written-out": Row(write_default_service_type, NOTHING, chain_policy=True),
    "5-empty-map-added": Row(add_empty_annotations, NOTHING, chain_policy=True),
    "5-empty-helm-chart-added": Row(add_empty_helm_chart, NOTHING, chain_policy=True),
    # Not normalised away by DPF either: serviceDaemonSet is a pointer in DPF's types, so `{}` is content
    # (docs/digests.md). mon is not disruptive (patched in place), but the chain selects its new serviceID.
    "5x-empty-daemon-set-is-content": Row(
        add_empty_daemon_set, Outcome(CHAIN, node_effect=True), chain_policy=True
    ),
    "5-default-policy-written-out": Row(write_default_policy, NOTHING, chain_policy=True),
    "6-policy-flipped-to-false": Row(
        flip_fw_policy,
        NOTHING,
        without_lock=Outcome(FW | CHAIN, node_effect=True),
        dpf_says="DPF would keep",
    ),
    "6-policy-flipped-to-true": Row(
        flip_mon_policy,
        NOTHING,
        without_lock=Outcome(
            frozenset({"DPUService mon", "DPUServiceInterface mon/tap"}) | CHAIN, node_effect=True
        ),
        dpf_says="DPF would keep",
    ),
    "7-non-disruptive-service-added": Row(
        add_service(disruptive=False),
        NOTHING,
        without_lock=Outcome(frozenset(), node_effect=True),
        dpf_says="DPF would not run the node effect",
    ),
    "8-disruptive-service-added": Row(add_service(disruptive=True), Outcome(frozenset(), node_effect=True)),
    "9-service-removed": Row(
        remove_ctl,
        NOTHING,
        without_lock=Outcome(frozenset(), node_effect=True),
        dpf_says="DPF would not run the node effect",
    ),
    "10-disruptive-service-chain-policy-false": Row(fw_values, Outcome(FW | CHAIN, node_effect=True)),
    "11-bfb-changed-dpuset-added": Row(change_bfb_and_add_dpuset, NOTHING),
}


# --------------------------------------------------------------------------------------------------------
# Rendering and reading outcomes


def render(objs: Objects) -> pipeline.Rendering:
    out = pipeline.render(
        [Item(o, i) for i, o in enumerate(copy.deepcopy(objs))], RenderConfig(), mode=pipeline.FINAL
    )
    errors = [str(r) for r in out.results if r.severity == "error"]
    assert not errors, errors
    return out


def with_lock(objs: Objects, rendered: pipeline.Rendering) -> Objects:
    """The inputs plus the lock of `rendered`, as `dpf-render lock` writes it."""
    locks = [r.lock.to_object() for r in rendered.revisions]
    return [o for o in objs if o["kind"] != "DPUDeploymentLock"] + locks


def identities(docs: Objects) -> dict[str, str]:
    """Child identity → name: what DPF keeps across revisions."""
    out: dict[str, str] = {}
    for doc in docs:
        kind, meta = doc["kind"], doc["metadata"]
        labels = meta.get("labels") or {}
        service = labels.get("svc.dpu.nvidia.com/dpudeployment-service", "")
        if kind == "DPUSet":
            out[f"DPUSet {meta['name']}"] = meta["name"]
        elif kind == "DPUService":
            out[f"DPUService {service}"] = meta["name"]
        elif kind == "DPUServiceInterface":
            iface = doc["spec"]["template"]["spec"]["template"]["spec"]["service"]["interfaceName"]
            out[f"DPUServiceInterface {service}/{iface}"] = meta["name"]
        elif kind == "DPUServiceChain":
            out["DPUServiceChain"] = meta["name"]
    return out


def node_labels(dpuset: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = dpuset["spec"]["dpuTemplate"]["spec"]["cluster"]["nodeLabels"]
    return labels


def outcome(before: Objects, after: Objects) -> Outcome:
    old, new = identities(before), identities(after)
    renamed = frozenset(k for k in old.keys() & new.keys() if old[k] != new[k])
    old_sets = {d["metadata"]["name"]: d for d in before if d["kind"] == "DPUSet"}
    effect = any(
        node_labels(d) != node_labels(old_sets[d["metadata"]["name"]])
        and d["spec"]["dpuTemplate"]["spec"]["nodeEffect"]["applyOnLabelChange"] is True
        for d in after
        if d["kind"] == "DPUSet" and d["metadata"]["name"] in old_sets
    )
    return Outcome(renamed, effect)


def head_of(row: Row) -> tuple[Objects, Objects]:
    before = base(chain_policy=row.chain_policy)
    after = copy.deepcopy(before)
    row.change(after)
    return before, after


# --------------------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_without_a_lock(row: Row) -> None:
    before, after = head_of(row)
    assert outcome(render(before).objects(), render(after).objects()) == row.without_lock


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_with_the_lock_of_the_base_the_outcome_is_dpfs(row: Row) -> None:
    before, after = head_of(row)
    locked_before = with_lock(before, render(before))
    base_render = render(locked_before)
    head_render = render([*after, *(o for o in locked_before if o["kind"] == "DPUDeploymentLock")])
    assert outcome(base_render.objects(), head_render.objects()) == row.dpf


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_committing_the_updated_lock_renders_the_same(row: Row) -> None:
    before, after = head_of(row)
    stale = [*after, *(o for o in with_lock(before, render(before)) if o["kind"] == "DPUDeploymentLock")]
    stale_render = render(stale)
    updated = with_lock(after, stale_render)
    updated_render = render(updated)
    assert yamldump.dump_stream(updated_render.objects()) == yamldump.dump_stream(stale_render.objects())
    assert not [r for r in updated_render.results if "out of date" in r.message]
    assert render(with_lock(after, updated_render)).objects() == updated_render.objects()  # idempotent


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_plan_names_the_node_effect_and_what_dpf_would_do(row: Row) -> None:
    before, after = head_of(row)
    base_render, head_render = render(before), render(after)
    items = [Item(o, i) for i, o in enumerate(copy.deepcopy(after))]
    config = RenderConfig()
    dpf_render = pipeline.render(
        pipeline.with_locks(items, [r.lock for r in base_render.revisions], config),
        config,
        mode=pipeline.FINAL,
    )
    plan = plan_renders(
        base_render.objects(),
        head_render.objects(),
        base_revisions=base_render.revisions,
        head_revisions=head_render.revisions,
        dpf_docs=dpf_render.objects(),
        dpf_revisions=dpf_render.revisions,
    )
    text = format_text(plan)
    assert ("runs on the nodes of" in text) is row.without_lock.node_effect, text
    if row.dpf_says:
        assert row.dpf_says in text, text
    else:
        assert "DPF would" not in text, text


def test_plan_renders_head_as_dpf_sees_it_only_when_base_has_revisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a revision on BASE's side, HEAD as DPF sees it is HEAD's own render: not rendered again."""
    from kustomize_plugin.cli_review import plan

    objs = base()
    folders = {"empty": [o for o in objs if o["kind"] in ("BFB", "DPUFlavor")], "base": objs, "head": objs}
    for name, docs in folders.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "inputs.yaml").write_text(yamldump.dump_stream(docs))
    renders: list[int] = []
    real = pipeline.render

    def counting(*args: Any, **kwargs: Any) -> pipeline.Rendering:
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "render", counting)
    plan.main([str(tmp_path / "empty"), str(tmp_path / "head")], standalone_mode=False)
    assert len(renders) == 2  # BASE, HEAD
    assert "DPUService fw-" in capsys.readouterr().out  # added
    renders.clear()
    plan.main([str(tmp_path / "base"), str(tmp_path / "head")], standalone_mode=False)
    assert len(renders) == 3  # BASE, HEAD, HEAD with BASE's revisions
    assert "No changes" in capsys.readouterr().out
