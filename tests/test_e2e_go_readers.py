"""Kubernetes' Go YAML readers read dpf-render's output back as the same strings.

ConfigMaps carry every string of the generated table (tests/go_scalars.py) as data values and keys, label
values and keys and annotation values and keys, beside the example's inputs with a rate that gives the
producer a float-looking digest. They go through dpf-render as each tool runs it (`dpf-render render`,
an exec KRM function under `kustomize build --enable-alpha-plugins --enable-exec`, `kpt fn eval --exec`),
and the result is read by kubectl (go-yaml v2 through sigs.k8s.io/yaml): `kubectl create --dry-run=client
--validate=false -o json` must accept every object and give back exactly the strings that went in.
`kubectl create` maps kinds through API discovery even for a client-side dry run, so a small discovery
endpoint on loopback answers for the kinds in the stream; nothing else is served.
A last test checks the model itself against kubectl and kustomize on plain scalars.
A missing tool skips with how to install it, or fails under DPF_RENDER_E2E=required (CI).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from kustomize_plugin import goresolve, naming, yamlload

from .conftest import HANG_GUARD, tool_env
from .go_scalars import DIGEST, TABLE, example_with_rate
from .test_e2e_tools import EXEC_FUNCTION, kustomization, run, succeeded, tool, write

pytestmark = pytest.mark.e2e

NAMESPACE = "dpf-operator-system"
VALUES, KEYS = "go-strings-values", "go-strings-keys"


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    """The venv's bin first on PATH (the tools find `dpf-render` there), no plugin variables from outside."""
    assert (Path(sys.executable).parent / "dpf-render").exists(), (
        "dpf-render is not installed (pip install -e .)"
    )
    out = tool_env()
    for leaked in ("KUSTOMIZE_PLUGIN_CONFIG_STRING", "KUSTOMIZE_PLUGIN_HOME"):
        out.pop(leaked, None)
    return out


def _read_by_dpf_render_as_string(text: str) -> bool:
    return yamlload.load_documents(f"k: {text}\n") == [{"k": text}]


def _kustomize_carries(text: str, *, key: bool, annotation: bool) -> bool:
    """Whether kustomize passes `text` to an exec function and back unchanged (`cat` as the function)."""
    v2, v3 = goresolve.v2_kind(text), goresolve.v3_kind(text)
    if text == "<<":
        return False  # kustomize drops such a key, and sends such a value to functions tagged `!!merge`
    if key and annotation and v3 != goresolve.STR:
        return False  # kustomize fails with "json: unsupported type", even without a function
    if key and v2 == goresolve.STR and v3 not in (goresolve.STR, goresolve.TIMESTAMP):
        return False  # `0o+17`: kustomize writes it plain to the function, then reads it back as a number
    # kustomize writes plain what both Go readers take for a string, but dpf-render reads YAML 1.1 as
    # PyYAML does: `+0x8000000000000000` or `.5_` would come back as numbers (tests/test_goresolve.py).
    return v2 != goresolve.STR or v3 != goresolve.STR or _read_by_dpf_render_as_string(text)


def carriers(*, for_kustomize: bool = False) -> list[dict[str, Any]]:
    """Two ConfigMaps: the table's strings as values, and as keys, of data, labels and annotations.

    kustomize's copy leaves out what kustomize cannot pass through any exec function (`_kustomize_carries`).
    """

    def kept(text: str, *, key: bool, annotation: bool = False) -> bool:
        return not for_kustomize or _kustomize_carries(text, key=key, annotation=annotation)

    values = {f"v{i:03d}": text for i, text in enumerate(TABLE) if kept(text, key=False)}
    keys = {text: f"k{i:03d}" for i, text in enumerate(TABLE) if kept(text, key=True)}
    annotation_keys = {k: v for k, v in keys.items() if kept(k, key=True, annotation=True)}
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": strings, "annotations": annotations},
            "data": strings,
        }
        for name, strings, annotations in ((VALUES, values, values), (KEYS, keys, annotation_keys))
    ]


def write_carriers(path: Path, *, for_kustomize: bool = False) -> Path:
    """The ConfigMaps as a user might write them: JSON documents, every string in double quotes."""
    objects = carriers(for_kustomize=for_kustomize)
    return write(path, "---\n".join(json.dumps(obj, indent=1) + "\n" for obj in objects))


# --- kubectl with a loopback discovery endpoint -------------------------------------------------------------


class _Discovery(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path.split("?", 1)[0])
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: kubectl's requests are not the test's output."""


KINDS = {  # what the streams hold: group/version → kinds (plural = lowercase kind + s)
    "v1": ("ConfigMap",),
    "provisioning.dpu.nvidia.com/v1alpha1": ("BFB", "DPUFlavor", "DPUSet"),
    "svc.dpu.nvidia.com/v1alpha1": (
        *("DPUDeployment", "DPUService", "DPUServiceChain", "DPUServiceConfiguration"),
        *("DPUServiceInterface", "DPUServiceTemplate"),
    ),
}


def discovery_documents() -> dict[str, bytes]:
    def resources(group_version: str) -> bytes:
        listed = [
            {"name": kind.lower() + "s", "singularName": kind.lower(), "namespaced": True, "kind": kind}
            | {"verbs": ["create", "get", "list"]}
            for kind in KINDS[group_version]
        ]
        return json.dumps(
            {"kind": "APIResourceList", "groupVersion": group_version, "resources": listed}
        ).encode()

    groups = [
        {
            "name": gv.split("/")[0],
            "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
            "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]},
        }
        for gv in KINDS
        if "/" in gv
    ]
    out = {"/api": json.dumps({"kind": "APIVersions", "versions": ["v1"]}).encode()}
    out["/apis"] = json.dumps({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}).encode()
    out |= {("/api/" if "/" not in gv else "/apis/") + gv: resources(gv) for gv in KINDS}
    return out


@pytest.fixture(scope="module")
def kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """`kubectl create --dry-run=client` pointed at the loopback discovery endpoint."""
    path = tool("kubectl")
    _Discovery.documents = discovery_documents()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    home = tmp_path_factory.mktemp("kubectl")
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "loopback", "cluster": {"server": f"http://127.0.0.1:{server.server_port}"}}],
        "users": [{"name": "nobody", "user": {}}],
        "contexts": [{"name": "loopback", "context": {"cluster": "loopback", "user": "nobody"}}],
        "current-context": "loopback",
    }
    kubeconfig = write(home / "kubeconfig", json.dumps(config))
    yield [path, "--kubeconfig", str(kubeconfig), "--cache-dir", str(home / "cache")]
    server.shutdown()
    server.server_close()
    thread.join()


def read_with_kubectl(kubectl: list[str], stream: str, env: dict[str, str]) -> list[dict[str, Any]]:
    """Every object of a YAML stream as kubectl reads it (it must accept them all)."""
    args = [*kubectl, "create", "--dry-run=client", "--validate=false", "-o", "json", "-f", "-"]
    done = run_with_input(args, stream, env)
    assert done.returncode == 0, f"kubectl refused the output:\n{done.stderr}"
    decoder, text, at, objects = json.JSONDecoder(), done.stdout, 0, []
    while text[at:].strip():
        obj, at = decoder.raw_decode(text, text.index("{", at))
        objects.append(obj)
    return objects


def run_with_input(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, input=stdin, capture_output=True, text=True, env=env, check=False, timeout=HANG_GUARD
    )


def assert_strings_unchanged(objects: list[dict[str, Any]], *, for_kustomize: bool = False) -> None:
    """The carriers, as kubectl read them, hold exactly the strings that went in."""
    found = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ConfigMap"}
    for want in carriers(for_kustomize=for_kustomize):
        got = found[want["metadata"]["name"]]
        for where in ("labels", "annotations"):
            _same(got["metadata"][where], want["metadata"][where], f"{got['metadata']['name']} {where}")
        _same(got["data"], want["data"], f"{got['metadata']['name']} data")


def _same(got: dict[str, Any], want: dict[str, str], where: str) -> None:
    changed = {k: v for k, v in want.items() if got.get(k, "<missing>") != v}
    extra = sorted(set(got) - set(want))
    assert not changed, f"{where}: read differently {dict(list(changed.items())[:20])}"
    assert not extra, f"{where}: keys that were not written {extra[:20]}"


def assert_digest_read_as_string(objects: list[dict[str, Any]]) -> None:
    versions = [
        o["metadata"]["annotations"][naming.SERVICE_VERSION_ANNOTATION]
        for o in objects
        if o["kind"] == "DPUService" and o["metadata"]["name"].startswith("producer-")
    ]
    assert versions == [DIGEST]


def package(directory: Path, *, for_kustomize: bool = False) -> Path:
    example_with_rate(directory)
    write_carriers(directory / "strings.yaml", for_kustomize=for_kustomize)
    return directory


# --- the three ways dpf-render is run ------------------------------------------------------------------------


def test_render_stream_is_read_back_by_kubectl(
    kubectl: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    out = succeeded(run(["dpf-render", "render", str(package(tmp_path))], env))
    objects = read_with_kubectl(kubectl, out, env)
    assert_strings_unchanged(objects)
    assert_digest_read_as_string(objects)


def test_kustomize_round_trip_through_the_exec_function_keeps_every_string(
    kubectl: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    """kustomize with dpf-render gives the same strings as kustomize alone (it keeps what it read quoted)."""
    source = package(tmp_path, for_kustomize=True)
    resources = [*sorted(p.name for p in source.glob("*.yaml"))]
    write(source / "kustomization.yaml", kustomization(resources, transformers=["dpf-render.yaml"]))
    write(source / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    flags = ["--enable-alpha-plugins", "--enable-exec"]
    rendered = read_with_kubectl(
        kubectl, succeeded(run([tool("kustomize"), "build", *flags, str(source)], env)), env
    )
    assert_strings_unchanged(rendered, for_kustomize=True)
    assert_digest_read_as_string(rendered)

    write(source / "kustomization.yaml", kustomization(resources))
    alone = read_with_kubectl(kubectl, succeeded(run([tool("kustomize"), "build", str(source)], env)), env)
    by_name = {o["metadata"]["name"]: o for o in alone if o["kind"] == "ConfigMap"}
    for obj in rendered:
        if obj["kind"] == "ConfigMap":
            assert obj == by_name[obj["metadata"]["name"]]


def test_kpt_fn_eval_output_is_read_back_by_kubectl(
    kubectl: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    source = package(tmp_path / "pkg")
    out = succeeded(
        run([tool("kpt"), "fn", "eval", str(source), "--exec", "dpf-render", "-o", "unwrap"], env)
    )
    objects = read_with_kubectl(kubectl, out, env)
    assert_strings_unchanged(objects)
    assert_digest_read_as_string(objects)


# --- the model against the real readers ------------------------------------------------------------------------


def plain_scalars() -> list[str]:
    """The table and a seeded sample of number-like strings, each one that YAML can hold as a plain scalar."""
    rng = random.Random(11)
    alphabet = "0123456789+-_.eExXoObB:yYnNtTfF Z"
    sample = ("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(4000))
    out: dict[str, None] = {}
    for text in (*TABLE, *sample):
        if text in out or text == "<<":  # kustomize drops a `<<` key: see carriers()
            continue
        # NaN and infinity have no JSON form, nor has a time zone of 24 hours: the reader refuses the whole
        # object. They are left out (they are not strings to the model either).
        if goresolve.v2_kind(text) == goresolve.FLOAT and any(w in text.lower() for w in ("inf", "nan")):
            continue
        if goresolve.v3_kind(text) == goresolve.TIMESTAMP and text[-6:-3] in ("+24", "-24"):
            continue
        try:
            events = list(yaml.parse(f"k: {text}\n", Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            continue
        scalars = [e for e in events if isinstance(e, yaml.ScalarEvent)]
        if len(scalars) == 2 and scalars[1].value == text and scalars[1].style in (None, ""):
            out[text] = None
    return list(out)


def test_model_agrees_with_kubectl_and_kustomize(
    kubectl: list[str], env: dict[str, str], tmp_path: Path
) -> None:
    """Written plain, a string comes back the same from each reader exactly when the model says so."""
    texts = plain_scalars()
    assert len(texts) > 2000
    lines = "".join(f"  k{i:05d}: {text}\n" for i, text in enumerate(texts))
    document = (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: {NAMESPACE}\ndata:\n{lines}"
    )
    (v2,) = read_with_kubectl(kubectl, document, env)
    write(tmp_path / "plain.yaml", document)
    write(tmp_path / "kustomization.yaml", kustomization(["plain.yaml"]))
    (v3,) = read_with_kubectl(kubectl, succeeded(run([tool("kustomize"), "build", str(tmp_path)], env)), env)
    wrong = []
    for i, text in enumerate(texts):
        key = f"k{i:05d}"
        for reader, got, kind in (
            ("kubectl", v2, goresolve.v2_kind(text)),
            ("kustomize", v3, goresolve.v3_kind(text)),
        ):
            value = got["data"].get(key)
            if kind == goresolve.TIMESTAMP:
                ok = isinstance(value, str)  # rewritten in RFC 3339, which may be the same text
            else:
                ok = (value == text) == (kind == goresolve.STR)
            if not ok:
                wrong.append((reader, text, value, kind))
    assert not wrong, f"{len(wrong)} disagreements (reader, text, read, model): {wrong[:30]}"
