"""Determinism: the same children, byte for byte, whatever the input order, hash seed,
time zone, locale or output encoding of the process.

Twenty runs of the real console script on the bundled example plus a generated fleet, each with shuffled
items, a random PYTHONHASHSEED and another TZ and LC_ALL; the rendered children must be identical, and
the whole output too between runs that kept the input order. `render -o DIR` writes identical trees.
"""

from __future__ import annotations

import importlib
import random
import sys
from pathlib import Path

import pytest

from kustomize_plugin import yamldump, yamlload
from kustomize_plugin.emit import CHILD_KINDS

from .conftest import REPO, example_documents, run_dpf_render, tool_env

pytestmark = pytest.mark.slow  # twenty runs of the console script

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

sys.path.insert(0, str(REPO / "scripts"))
gen_fleet: Any = importlib.import_module("gen_fleet")  # the benchmark's fleet generator, a script

RUNS = 20
TIME_ZONES = ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Etc/GMT+12", "Europe/Istanbul"]
LOCALES = ["C", "C.UTF-8", "POSIX", "tr_TR.UTF-8", "de_DE.ISO-8859-1", "ja_JP.eucJP"]


def inputs() -> list[Any]:
    docs = example_documents()
    docs += gen_fleet.fleet(12, constraint=True)  # two namespaces, templating, chains, a DOCA constraint
    docs.append(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "text", "namespace": "x"},
            "data": {"t": "ünï 漢字"},
        }
    )
    return docs


def resource_list(items: list[Any]) -> bytes:
    return yamldump.dump_document(
        {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}
    ).encode()


def children_of(stdout: bytes) -> str:
    (out,) = yamlload.load_documents(stdout.decode("utf-8"))
    return yamldump.dump_stream(i for i in out["items"] if i["kind"] in CHILD_KINDS)


def test_children_are_byte_identical_across_orders_seeds_zones_and_locales() -> None:
    docs = inputs()
    rng = random.Random(20240601)  # reproducible, different in each run
    outputs: list[bytes] = []
    children: list[str] = []
    for run in range(RUNS):
        items = list(docs)
        shuffled = run % 2 == 1
        if shuffled:
            rng.shuffle(items)
        env = tool_env(
            PYTHONHASHSEED=str(rng.randrange(2**32)),
            TZ=TIME_ZONES[run % len(TIME_ZONES)],
            LC_ALL=LOCALES[run % len(LOCALES)],
        )
        if run % 4 == 3:
            env["PYTHONIOENCODING"] = "latin-1"  # the output is UTF-8 whatever the process's encoding
        result = run_dpf_render(stdin=resource_list(items), env=env)
        assert result.returncode == 0, result.stderr.decode()
        children.append(children_of(result.stdout))
        if not shuffled:
            outputs.append(result.stdout)
    assert children[0].count("kind: DPUService\n") == 4 * 12 + 2
    assert all(c == children[0] for c in children)
    assert all(o == outputs[0] for o in outputs)


def test_render_to_a_folder_is_byte_identical(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    docs = inputs()
    for i, doc in enumerate(docs):
        (source / f"{i:03d}.yaml").write_text(yamldump.dump_document(doc), encoding="utf-8")
    trees = []
    for run, seed in enumerate(["0", "1", "4242", "random"]):
        out = tmp_path / f"out{run}"
        env = tool_env(PYTHONHASHSEED=seed, TZ=TIME_ZONES[run], LC_ALL=LOCALES[run])
        result = run_dpf_render("render", str(source), "-o", str(out), env=env)
        assert result.returncode == 0, result.stderr.decode()
        trees.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert len(trees[0]) > 150
    assert all(t == trees[0] for t in trees)


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_stream_output_does_not_depend_on_the_hash_seed(seed: str) -> None:
    data = yamldump.dump_stream(inputs()).encode()
    reference = run_dpf_render(stdin=data, env=tool_env(PYTHONHASHSEED="1"))
    result = run_dpf_render(stdin=data, env=tool_env(PYTHONHASHSEED=seed, TZ="Asia/Tokyo"))
    assert reference.returncode == result.returncode == 0
    assert result.stdout == reference.stdout
