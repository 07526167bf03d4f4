"""docs/migrating-from-dpf.md, command by command: the guide's own text runs, as far as it can without a cluster.

Every fenced block of the guide is read from the Markdown, so the guide and these tests cannot drift:
- the cluster procedure (export; names; stop DPF; remove ownerReferences; delete orphaning; start DPF; the
  release function) runs through the real kubectl against `FakeCluster`, a small stand-in API server that
  holds the objects of tests/adopt/*/live.yaml. It answers discovery, get/list with label selectors,
  JSON/merge patches, deletes with a propagation policy and the scale subresource, and it behaves as
  Kubernetes' garbage collector and DPF's controller do at these points: while the deployment
  `dpuservice-controller-manager` has replicas, a DPUDeployment being deleted loses every child with its
  owner label (`reconcileDelete`, internal/dpuservice/controllers/dpudeployment_controller.go) and a labelled
  child gets its ownerReference back (server-side apply); the garbage collector orphans dependents for
  `propagationPolicy: Orphan` and deletes dependents whose owners are all gone;
- the JSON patches also run offline (`kubectl patch --local`) on every fixture object;
- the git block runs in a scratch repository, the Argo CD Application is parsed and checked;
- the `dpf-render adopt` and `plan` lines are pinned as the issue specifies them (their behaviour is tested
  with those commands).
kubectl is required: the tests skip without it, or fail under DPF_RENDER_E2E=required.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.cmp_runner import require_tool

from .conftest import REPO

pytestmark = pytest.mark.slow  # runs the guide's procedure against a fake API server

GUIDE = REPO / "docs" / "migrating-from-dpf.md"
ADOPT = REPO / "tests" / "adopt"
CASES = sorted(p.name for p in ADOPT.iterdir() if (p / "live.yaml").exists())
OWNER = "svc.dpu.nvidia.com/owned-by-dpudeployment"
DPF_FINALIZER = "dpu.nvidia.com/dpudeployment"
CHILD_KINDS = ("DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain")
MANAGER = "dpuservice-controller-manager"
PROCEDURE_HEADINGS = (
    "5. Set the names used below",
    "6. Stop DPF's DPUDeployment controller",
    "7. Remove the ownerReferences from every child",
    "8. Delete the DPUDeployment, orphaning its children",
    "9. Start DPF's controller again",
)
TIMEOUT = 120

Obj = dict[str, Any]


# --- the guide's blocks ---------------------------------------------------------------------------------


def blocks() -> list[tuple[str, str, str]]:
    """(heading, language, text) of every fenced block, in order."""
    out = []
    heading = ""
    lines = iter(GUIDE.read_text().splitlines())
    for line in lines:
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("```") and line.strip() != "```":
            lang = line[3:].strip()
            body = []
            for inner in lines:
                if inner.startswith("```"):
                    break
                body.append(inner)
            out.append((heading, lang, "\n".join(body) + "\n"))
    return out


def block(heading: str, lang: str = "sh") -> str:
    found = [text for h, lg, text in blocks() if h == heading and lg == lang]
    assert len(found) == 1, f"one {lang} block under {heading!r} in {GUIDE.name}"
    return found[0]


def procedure(*, skip: str | None = None) -> str:
    return "".join(block(h) for h in PROCEDURE_HEADINGS if h != skip)


def kubectl_lines(text: str) -> list[str]:
    """The kubectl command lines of a block, continuation lines joined."""
    return [
        line.strip() for line in text.replace("\\\n", " ").splitlines() if line.strip().startswith("kubectl ")
    ]


def json_patch(text: str, marker: str) -> str:
    """The -p argument of the kubectl patch line in `text` that contains `marker`."""
    (line,) = [line for line in kubectl_lines(text) if "patch" in line and marker in line]
    match = re.search(r"-p '([^']*)'", line)
    assert match, line
    return str(match.group(1))


def test_every_block_of_the_guide_is_exercised() -> None:
    exercised = {
        ("1. Export the live objects", "sh"),
        ("2. Adopt", "sh"),
        ("3. Review", "sh"),
        ("4. Commit the inputs and the lock", "sh"),
        *((h, "sh") for h in PROCEDURE_HEADINGS),
        ("10. Let Argo CD take over", "yaml"),
        ("10. Let Argo CD take over", "sh"),
        ("Rolling back to DPF's controller", "sh"),
        ("Later: deleting an input that DPF used", "sh"),
    }
    assert {(h, lang) for h, lang, _ in blocks()} == exercised
    assert len(blocks()) == len(exercised)


def test_adopt_and_plan_lines_are_the_specified_ones() -> None:
    assert block("2. Adopt") == "dpf-render adopt live.yaml --inputs deploy/ -o deploy/dpf-render.lock.yaml\n"
    assert block("3. Review") == "dpf-render plan live.yaml deploy/\n"
    assert '"0 replaced, 0 node effects"' in " ".join(GUIDE.read_text().split())


def test_the_argo_cd_application() -> None:
    app = yaml.safe_load(block("10. Let Argo CD take over", "yaml"))
    assert (app["apiVersion"], app["kind"]) == ("argoproj.io/v1alpha1", "Application")
    assert "finalizers" not in app["metadata"], "the rollback deletes the Application and keeps the objects"
    source = app["spec"]["source"]
    assert source["path"] == "deploy"  # where adopt writes the lock
    assert source["plugin"]["name"] == "dpf-render"
    plugin = yaml.safe_load((REPO / "argocd" / "plugin.yaml").read_text())
    announced = {p["name"] for p in plugin["spec"]["parameters"]["static"]}
    assert {p["name"] for p in source["plugin"]["parameters"]} <= announced
    policy = app["spec"]["syncPolicy"]
    assert policy["automated"]["prune"] is False
    assert "PruneLast=true" in policy["syncOptions"]
    assert not {"Replace=true", "Force=true"} & set(policy["syncOptions"])
    (apply,) = kubectl_lines(block("10. Let Argo CD take over"))
    assert apply == f"kubectl apply -f {app['metadata']['name']}-application.yaml"


def test_the_git_block_commits_the_inputs_and_the_lock(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git not found on PATH")
    deploy = tmp_path / "deploy"
    shutil.copytree(ADOPT / "steady-state" / "inputs", deploy)
    (deploy / "dpf-render.lock.yaml").write_text("kind: DPUDeploymentLock\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run([git, "init", "-q"], cwd=tmp_path, check=True, env=env, timeout=TIMEOUT)
    run_bash(block("4. Commit the inputs and the lock"), cwd=tmp_path, env=env)
    files = subprocess.run(
        [git, "show", "--name-only", "--format=", "HEAD"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout.split()
    assert sorted(files) == sorted(f"deploy/{p.name}" for p in deploy.iterdir())


# --- kubectl -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kubectl() -> str:
    return require_tool("kubectl", "install kubectl >= 1.27")


def patch_offline(kubectl: str, path: Path, kind: str, patch: str) -> subprocess.CompletedProcess[str]:
    """`kubectl patch --local`: the patch applied to the file, with no cluster to reach."""
    return subprocess.run(
        [kubectl, "patch", "--local", "-f", str(path), f"--type={kind}", "-p", patch, "-o", "yaml"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        env={**os.environ, "KUBECONFIG": os.devnull},
    )


def run_bash(script: str, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{script}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def live(case: str) -> list[Obj]:
    items: list[Obj] = yaml.safe_load((ADOPT / case / "live.yaml").read_text())["items"]
    return items


def dpudeployment_of(case: str) -> str:
    """The DPUDeployment the case migrates: the one that is both live and in Git."""
    git = {
        d["metadata"]["name"]
        for p in (ADOPT / case / "inputs").glob("*.yaml")
        for d in yaml.safe_load_all(p.read_text())
        if d and d["kind"] == "DPUDeployment"
    }
    (name,) = [
        str(o["metadata"]["name"])
        for o in live(case)
        if o["kind"] == "DPUDeployment" and o["metadata"]["name"] in git
    ]
    return name


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES)
def test_patches_run_offline_on_every_fixture_object(case: str, kubectl: str, tmp_path: Path) -> None:
    owner_refs = json_patch(block("7. Remove the ownerReferences from every child"), "ownerReferences")
    for obj in live(case):
        if "ownerReferences" not in obj["metadata"]:
            continue
        path = tmp_path / "object.yaml"
        path.write_text(yaml.safe_dump(obj))
        done = patch_offline(kubectl, path, "json", owner_refs)
        assert done.returncode == 0, done.stderr
        patched = yaml.safe_load(done.stdout)
        expected = copy.deepcopy(obj)
        del expected["metadata"]["ownerReferences"]
        expected["metadata"].pop("managedFields", None)  # kubectl prints them only with --show-managed-fields
        assert patched == expected


@pytest.mark.e2e
@pytest.mark.parametrize(("finalizers", "ok"), [([DPF_FINALIZER], True), (["orphan", DPF_FINALIZER], False)])
def test_the_finalizer_patch_refuses_while_orphaning_is_pending(
    finalizers: list[str], ok: bool, kubectl: str, tmp_path: Path
) -> None:
    patch = json_patch(block("8. Delete the DPUDeployment, orphaning its children"), "finalizers")
    obj = copy.deepcopy(live("steady-state")[0])
    obj["metadata"]["finalizers"] = finalizers
    path = tmp_path / "dpudeployment.yaml"
    path.write_text(yaml.safe_dump(obj))
    done = patch_offline(kubectl, path, "json", patch)
    assert (done.returncode == 0) == ok, done.stderr
    if ok:
        assert "finalizers" not in yaml.safe_load(done.stdout)["metadata"]


# --- against the stand-in API server -----------------------------------------------------------------------


@pytest.fixture
def cluster() -> Iterator[FakeCluster]:
    fake = FakeCluster()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def kube_env(cluster: FakeCluster, tmp_path: Path, kubectl: str) -> dict[str, str]:
    config = tmp_path / "kubeconfig"
    config.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": cluster.url}}],
                "users": [{"name": "fake", "user": {}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
                "current-context": "fake",
            }
        )
    )
    path = f"{Path(kubectl).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {"PATH": path, "HOME": str(tmp_path), "KUBECONFIG": str(config), "LC_ALL": "C"}


def seed(cluster: FakeCluster, case: str) -> None:
    for obj in live(case):
        cluster.put(copy.deepcopy(obj))
    cluster.put(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": MANAGER, "namespace": "dpf-operator-system", "uid": "d-1"},
            "spec": {"replicas": 1},
        }
    )
    cluster.put(
        {
            "apiVersion": "operator.dpu.nvidia.com/v1alpha1",
            "kind": "DPFOperatorConfig",
            "metadata": {"name": "dpfoperatorconfig", "namespace": "dpf-operator-system", "uid": "c-1"},
            "spec": {"overrides": {}},
        }
    )


def for_case(script: str, case: str) -> str:
    out, n = re.subn(r"^DPUD=\S+$", f"DPUD={dpudeployment_of(case)}", script, flags=re.MULTILINE)
    assert n == 1
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES)
def test_the_procedure_keeps_every_child_and_removes_the_dpudeployment(
    case: str, cluster: FakeCluster, kubectl: str, tmp_path: Path
) -> None:
    seed(cluster, case)
    before = {key(o): o for o in live(case)}
    target = dpudeployment_of(case)
    done = run_bash(for_case(procedure(), case), cwd=tmp_path, env=kube_env(cluster, tmp_path, kubectl))

    after = {key(o): o for o in cluster.objects()}
    dpud = next(
        o for o in before.values() if o["kind"] == "DPUDeployment" and o["metadata"]["name"] == target
    )
    uid = dpud["metadata"]["uid"]
    assert key(dpud) not in after, "the DPUDeployment is gone"
    for k, obj in before.items():
        if k == key(dpud):
            continue
        assert k in after, f"{k} survived"
        refs = obj["metadata"].get("ownerReferences", [])
        mine = any(r["uid"] == uid for r in refs)
        kept = after[k]
        assert kept["spec"] == obj["spec"], f"{k} unchanged"
        if mine:
            assert "ownerReferences" not in kept["metadata"] or not kept["metadata"]["ownerReferences"], k
        else:
            assert kept["metadata"].get("ownerReferences", []) == refs, (
                f"{k}: another owner's children are untouched"
            )
    # The check of step 7 printed each child with nothing after the colon.
    owned = [
        o
        for o in before.values()
        if o["kind"] in CHILD_KINDS and o["metadata"].get("labels", {}).get(OWNER, "").endswith(f"_{target}")
    ]
    lines = [line for line in done.stdout.splitlines() if re.match(r"^DPU\w+/\S+: ", line + " ")]
    assert sorted(lines) == sorted(f"{o['kind']}/{o['metadata']['name']}: " for o in owned)
    assert cluster.get("Deployment", "dpf-operator-system", MANAGER)["spec"]["replicas"] == 1
    assert cluster.get("DPFOperatorConfig", "dpf-operator-system", "dpfoperatorconfig")["spec"][
        "overrides"
    ] == {"paused": False}


@pytest.mark.e2e
def test_without_stopping_dpf_first_the_children_are_lost(
    cluster: FakeCluster, kubectl: str, tmp_path: Path
) -> None:
    """Why step 6 exists: with DPF's controller running, its deletion flow deletes the children by label."""
    seed(cluster, "steady-state")
    script = for_case(procedure(skip="6. Stop DPF's DPUDeployment controller"), "steady-state")
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=kube_env(cluster, tmp_path, kubectl),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"^DPUService/router-7bx2k: \[\{", done.stdout, re.MULTILINE), (
        "the reconcile put it back"
    )
    left = {o["kind"] for o in cluster.objects()}
    assert not left & set(CHILD_KINDS), "DPF deleted every child carrying its owner label"


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES)
def test_the_export_prints_what_the_fixture_holds(
    case: str, cluster: FakeCluster, kubectl: str, tmp_path: Path
) -> None:
    seed(cluster, case)
    run_bash(block("1. Export the live objects"), cwd=tmp_path, env=kube_env(cluster, tmp_path, kubectl))
    exported = yaml.safe_load((tmp_path / "live.yaml").read_text())
    fixture = yaml.safe_load((ADOPT / case / "live.yaml").read_text())
    for obj in fixture["items"]:  # kubectl hides managedFields unless --show-managed-fields
        obj["metadata"].pop("managedFields", None)
    assert exported == fixture


@pytest.mark.e2e
def test_release_removes_only_dpf_s_finalizer(cluster: FakeCluster, kubectl: str, tmp_path: Path) -> None:
    bfb = yaml.safe_load((ADOPT / "steady-state" / "inputs" / "bfb.yaml").read_text())
    bfb["metadata"]["uid"] = "b-1"
    bfb["metadata"]["finalizers"] = ["provisioning.dpu.nvidia.com/bfb-protection", DPF_FINALIZER]
    cluster.put(bfb)
    script = block("5. Set the names used below") + block("Later: deleting an input that DPF used")
    env = kube_env(cluster, tmp_path, kubectl)
    run_bash(script, cwd=tmp_path, env=env)
    assert cluster.get("BFB", "dpf-operator-system", "bf-bundle")["metadata"]["finalizers"] == [
        "provisioning.dpu.nvidia.com/bfb-protection"
    ]
    run_bash(script, cwd=tmp_path, env=env)  # a second run finds nothing to remove
    assert cluster.get("BFB", "dpf-operator-system", "bf-bundle")["metadata"]["finalizers"] == [
        "provisioning.dpu.nvidia.com/bfb-protection"
    ]


INLINE_COMMAND = re.compile(r"`(kubectl (?:get|patch|delete|apply|scale) [^`]+)`")


def inline_commands() -> list[str]:
    """kubectl commands quoted in the guide's text (fragments such as `kubectl apply` are not commands)."""
    text = re.sub(r"^```.*?^```", "", GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)
    return [" ".join(m.split()) for m in INLINE_COMMAND.findall(" ".join(text.split("\n")))]


@pytest.mark.e2e
def test_the_commands_quoted_in_the_text_run(cluster: FakeCluster, kubectl: str, tmp_path: Path) -> None:
    assert inline_commands() == [
        "kubectl get dpudeployments -A",
        "kubectl get dpudeployment edge-fabric -n dpf-operator-system -o yaml",
        'kubectl get dpfoperatorconfigs -n "$NS"',
    ]
    seed(cluster, "steady-state")
    env = kube_env(cluster, tmp_path, kubectl)
    names = block("5. Set the names used below")
    ready, export, operator = (run_bash(names + c, cwd=tmp_path, env=env).stdout for c in inline_commands())
    assert re.search(r"^dpf-operator-system +edge-fabric\b", ready, re.MULTILINE)
    exported = yaml.safe_load(export)
    assert (exported["kind"], exported["metadata"]["name"]) == ("DPUDeployment", "edge-fabric")
    assert exported["spec"] == live("steady-state")[0]["spec"]
    operator_config = re.search(r"^OPERATOR_CONFIG=(\S+)$", names, re.MULTILINE)
    assert operator_config
    assert re.search(rf"^{operator_config.group(1)}\b", operator, re.MULTILINE)
    assert "argocd app diff edge-fabric" in GUIDE.read_text()


@pytest.mark.e2e
def test_the_rollback_removes_the_application_and_nothing_else(
    cluster: FakeCluster, kubectl: str, tmp_path: Path
) -> None:
    delete, apply = kubectl_lines(block("Rolling back to DPF's controller"))
    app = yaml.safe_load(block("10. Let Argo CD take over", "yaml"))
    app["metadata"]["uid"] = "a-1"
    cluster.put(app)
    for obj in live("steady-state")[1:]:  # the children as the migration left them
        obj = copy.deepcopy(obj)
        obj["metadata"].pop("ownerReferences", None)
        cluster.put(obj)
    before = cluster.objects()
    run_bash(delete, cwd=tmp_path, env=kube_env(cluster, tmp_path, kubectl))
    assert cluster.objects() == [o for o in before if o["kind"] != "Application"]
    # `kubectl apply` validates against the server's OpenAPI, which the stand-in does not serve: check
    # offline that it names the DPUDeployment of the inputs and that kubectl reads it.
    path = apply.removeprefix("kubectl apply -f ")
    assert path.startswith("deploy/")
    source = ADOPT / "steady-state" / "inputs" / path.removeprefix("deploy/")
    done = patch_offline(kubectl, source, "merge", "{}")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["kind"] == "DPUDeployment"


@pytest.mark.e2e
def test_kubectl_reads_the_application(kubectl: str, tmp_path: Path) -> None:
    (apply,) = kubectl_lines(block("10. Let Argo CD take over"))
    path = tmp_path / apply.removeprefix("kubectl apply -f ")
    path.write_text(block("10. Let Argo CD take over", "yaml"))
    done = patch_offline(kubectl, path, "merge", "{}")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout) == yaml.safe_load(path.read_text())


def key(obj: Obj) -> tuple[str, str, str]:
    return (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


# --- the stand-in API server ---------------------------------------------------------------------------------

# kind: (group, version, plural, namespaced)
RESOURCES: dict[str, tuple[str, str, str, bool]] = {
    "Namespace": ("", "v1", "namespaces", False),
    "Pod": ("", "v1", "pods", True),
    "Deployment": ("apps", "v1", "deployments", True),
    "DPFOperatorConfig": ("operator.dpu.nvidia.com", "v1alpha1", "dpfoperatorconfigs", True),
    "DPUDeployment": ("svc.dpu.nvidia.com", "v1alpha1", "dpudeployments", True),
    "DPUService": ("svc.dpu.nvidia.com", "v1alpha1", "dpuservices", True),
    "DPUServiceInterface": ("svc.dpu.nvidia.com", "v1alpha1", "dpuserviceinterfaces", True),
    "DPUServiceChain": ("svc.dpu.nvidia.com", "v1alpha1", "dpuservicechains", True),
    "DPUServiceTemplate": ("svc.dpu.nvidia.com", "v1alpha1", "dpuservicetemplates", True),
    "DPUServiceConfiguration": ("svc.dpu.nvidia.com", "v1alpha1", "dpuserviceconfigurations", True),
    "DPUSet": ("provisioning.dpu.nvidia.com", "v1alpha1", "dpusets", True),
    "BFB": ("provisioning.dpu.nvidia.com", "v1alpha1", "bfbs", True),
    "DPUFlavor": ("provisioning.dpu.nvidia.com", "v1alpha1", "dpuflavors", True),
    "Application": ("argoproj.io", "v1alpha1", "applications", True),
}
BY_PLURAL = {(g, p): k for k, (g, _v, p, _n) in RESOURCES.items()}


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


class FakeCluster:
    """Just enough of an API server, a garbage collector and DPF's controller for the guide's commands."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, str, str], Obj] = {}
        self.lock = threading.Lock()
        self.version = 1000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- storage
    def put(self, obj: Obj) -> None:
        self.version += 1
        obj["metadata"]["resourceVersion"] = obj["metadata"].get("resourceVersion") or str(self.version)
        self.store[key(obj)] = obj

    def get(self, kind: str, namespace: str, name: str) -> Obj:
        obj = self.store.get((kind, namespace, name))
        if obj is None:
            plural = RESOURCES[kind][2]
            raise ApiError(404, "NotFound", f'{plural} "{name}" not found')
        return obj

    def objects(self) -> list[Obj]:
        return [copy.deepcopy(o) for _k, o in sorted(self.store.items())]

    # -- the controllers that act at these points
    def dpf_running(self) -> bool:
        manager = self.store.get(("Deployment", "dpf-operator-system", MANAGER))
        return bool(manager and manager["spec"].get("replicas"))

    def settle(self) -> None:
        for _ in range(20):
            if not self._step():
                return
        raise AssertionError("the stand-in controllers do not settle")

    def _step(self) -> bool:
        uids = {o["metadata"]["uid"] for o in self.store.values() if "uid" in o["metadata"]}
        for k, obj in list(self.store.items()):
            md = obj["metadata"]
            deleting = "deletionTimestamp" in md
            if self.dpf_running() and obj["kind"] == "DPUDeployment":
                owner = f"{md['namespace']}_{md['name']}"
                children = [
                    ck
                    for ck, c in self.store.items()
                    if c["kind"] in CHILD_KINDS and c["metadata"].get("labels", {}).get(OWNER) == owner
                ]
                if deleting:  # reconcileDelete: DeleteAllOf by the owner label, then the finalizer goes
                    for ck in children:
                        del self.store[ck]
                    if DPF_FINALIZER in md.get("finalizers", []):
                        md["finalizers"].remove(DPF_FINALIZER)
                        return True
                else:  # every reconcile applies the children with their controller reference
                    ref = {
                        "apiVersion": obj["apiVersion"],
                        "blockOwnerDeletion": True,
                        "controller": True,
                        "kind": "DPUDeployment",
                        "name": md["name"],
                        "uid": md["uid"],
                    }
                    for ck in children:
                        refs = self.store[ck]["metadata"].setdefault("ownerReferences", [])
                        if ref not in refs:
                            refs.insert(0, ref)
                            return True
            if deleting and "orphan" in md.get("finalizers", []):  # the garbage collector orphans
                for other in self.store.values():
                    refs = other["metadata"].get("ownerReferences")
                    if refs and any(r["uid"] == md["uid"] for r in refs):
                        other["metadata"]["ownerReferences"] = [r for r in refs if r["uid"] != md["uid"]]
                        if not other["metadata"]["ownerReferences"]:
                            del other["metadata"]["ownerReferences"]
                md["finalizers"].remove("orphan")
                return True
            if deleting and not md.get("finalizers"):
                del self.store[k]
                return True
            refs = md.get("ownerReferences")
            if refs and not any(r["uid"] in uids for r in refs):  # every owner is gone: collected
                del self.store[k]
                return True
        return False

    # -- verbs
    def list(self, kind: str, namespace: str | None, selector: str) -> Obj:
        group, version, _plural, _ns = RESOURCES[kind]
        items: list[Obj] = []
        if kind == "Pod" and self.dpf_running():
            items.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"{MANAGER}-7d9f8-xk2lp",
                        "namespace": "dpf-operator-system",
                        "labels": {"dpu.nvidia.com/component": MANAGER},
                    },
                }
            )
        items += [o for (k, ns, _n), o in sorted(self.store.items()) if k == kind and namespace in (None, ns)]
        items = [o for o in items if matches(o, selector) and namespace in (None, o["metadata"]["namespace"])]
        api = f"{group}/{version}" if group else version
        return {
            "apiVersion": api,
            "kind": f"{kind}List",
            "metadata": {"resourceVersion": str(self.version)},
            "items": items,
        }

    def patch(self, kind: str, namespace: str, name: str, content_type: str, body: Any) -> Obj:
        obj = self.get(kind, namespace, name)
        patched = apply_json_patch(obj, body) if "json-patch" in content_type else merge_patch(obj, body)
        patched["metadata"]["resourceVersion"] = str(self.version + 1)
        self.put(patched)
        self.settle()
        return self.store.get(key(patched), patched)

    def delete(self, kind: str, namespace: str, name: str, options: Obj) -> Obj:
        obj = self.get(kind, namespace, name)
        md = obj["metadata"]
        md.setdefault("deletionTimestamp", "2025-07-01T09:00:00Z")
        if options.get("propagationPolicy") == "Orphan" and "orphan" not in md.setdefault("finalizers", []):
            md["finalizers"].append("orphan")
        self.settle()
        return obj


def matches(obj: Obj, selector: str) -> bool:
    labels = obj["metadata"].get("labels") or {}
    for term in filter(None, selector.split(",")):
        if "=" in term:
            k, v = term.split("=", 1)
            if labels.get(k.rstrip("=")) != v:
                return False
        elif term not in labels:
            return False
    return True


def pointer(path: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def apply_json_patch(doc: Obj, ops: list[Obj]) -> Obj:
    out = copy.deepcopy(doc)
    for op in ops:
        *parents, last = pointer(op["path"])
        node: Any = out
        try:
            for p in parents:
                node = node[int(p)] if isinstance(node, list) else node[p]
            index: Any = int(last) if isinstance(node, list) and last != "-" else last
            if op["op"] == "test":
                if node[index] != op["value"]:
                    raise ApiError(422, "Invalid", f"testing value {op['path']} failed: test failed")
            elif op["op"] == "remove":
                del node[index]
            elif op["op"] in ("add", "replace"):
                if isinstance(node, list) and op["op"] == "add":
                    node.insert(len(node) if last == "-" else index, op["value"])
                else:
                    node[index] = op["value"]
            else:
                raise ApiError(422, "Invalid", f"unsupported operation {op['op']}")
        except (KeyError, IndexError, TypeError) as err:
            raise ApiError(422, "Invalid", f"the path {op['path']!r} does not exist: {err}") from err
    return out


def merge_patch(doc: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(doc) if isinstance(doc, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def discovery(path: str) -> Obj | None:
    groups: dict[str, list[str]] = {}
    for kind, (group, version, _p, _n) in RESOURCES.items():
        groups.setdefault(f"{group}/{version}" if group else version, []).append(kind)
    if path == "/version":
        return {"major": "1", "minor": "32", "gitVersion": "v1.32.0"}
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
    if path == "/apis":
        listed = []
        for gv in sorted(groups):
            if "/" in gv:
                group, version = gv.split("/")
                entry = {"groupVersion": gv, "version": version}
                listed.append({"name": group, "versions": [entry], "preferredVersion": entry})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": listed}
    gv = path.removeprefix("/apis/").removeprefix("/api/")
    if path in ("/api/v1", f"/apis/{gv}") and gv in groups:
        resources = []
        for kind in groups[gv]:
            _g, _v, plural, namespaced = RESOURCES[kind]
            verbs = ["get", "list", "patch", "delete", "create", "update"]
            resources.append(
                {
                    "name": plural,
                    "singularName": kind.lower(),
                    "namespaced": namespaced,
                    "kind": kind,
                    "verbs": verbs,
                }
            )
            if kind == "Deployment":
                resources.append(
                    {
                        "name": "deployments/scale",
                        "singularName": "",
                        "namespaced": True,
                        "group": "autoscaling",
                        "version": "v1",
                        "kind": "Scale",
                        "verbs": ["get", "patch", "update"],
                    }
                )
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}
    return None


ROUTE = re.compile(
    r"^/(?:api/v1|apis/(?P<group>[^/]+)/[^/]+)(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)"
    r"(?:/(?P<name>[^/]+))?(?:/(?P<sub>scale))?$"
)


def _handler(cluster: FakeCluster) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            return

        def send(self, code: int, body: Obj) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def handle_verb(self, verb: str) -> None:
            url = urlsplit(self.path)
            try:
                with cluster.lock:
                    self.send(200, self.dispatch(verb, url.path, parse_qs(url.query)))
            except ApiError as err:
                status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure"}
                self.send(
                    err.code, {**status, "message": err.message, "reason": err.reason, "code": err.code}
                )

        def dispatch(self, verb: str, path: str, query: dict[str, list[str]]) -> Obj:
            if verb == "GET" and (found := discovery(path)) is not None:
                return found
            route = ROUTE.match(path)
            if route is None or (route["group"] or "", route["plural"]) not in BY_PLURAL:
                raise ApiError(404, "NotFound", f"the server could not find the requested resource ({path})")
            kind = BY_PLURAL[(route["group"] or "", route["plural"])]
            ns, name, sub = route["ns"], route["name"], route["sub"]
            if kind == "Namespace" and verb == "GET" and name:
                return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
            if name is None and verb == "GET":
                return cluster.list(kind, ns, query.get("labelSelector", [""])[0])
            assert name is not None
            if sub == "scale":
                return self.scale(verb, cluster.get(kind, ns or "", name))
            if verb == "GET":
                return cluster.get(kind, ns or "", name)
            if verb == "PATCH":
                return cluster.patch(kind, ns or "", name, self.headers.get("Content-Type", ""), self.body())
            if verb == "DELETE":
                return cluster.delete(kind, ns or "", name, self.body())
            raise ApiError(405, "MethodNotAllowed", verb)

        def scale(self, verb: str, deployment: Obj) -> Obj:
            if verb in ("PATCH", "PUT"):
                body = self.body()
                deployment["spec"]["replicas"] = body["spec"]["replicas"]
                cluster.settle()
            md = deployment["metadata"]
            replicas = deployment["spec"]["replicas"]
            return {
                "apiVersion": "autoscaling/v1",
                "kind": "Scale",
                "metadata": {
                    "name": md["name"],
                    "namespace": md["namespace"],
                    "resourceVersion": md["resourceVersion"],
                },
                "spec": {"replicas": replicas},
                "status": {"replicas": replicas},
            }

        def do_GET(self) -> None:
            self.handle_verb("GET")

        def do_PATCH(self) -> None:
            self.handle_verb("PATCH")

        def do_PUT(self) -> None:
            self.handle_verb("PUT")

        def do_DELETE(self) -> None:
            self.handle_verb("DELETE")

    return Handler
