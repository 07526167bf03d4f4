"""Benchmarks: start-up, throughput, scaling, a peer, and hostile inputs, as one Markdown table.

Every figure is a ratio against a baseline measured in the same run, interleaved with it so that a busy
machine slows both alike, and each time is the median of several runs:

- cold start of the KRM function (`dpf-render` with a ResourceList of examples/producer-consumer on stdin)
  and of `dpf-render render examples/producer-consumer`, against `python -c "import yaml"`;
- throughput: rendering a synthetic fleet (scripts/gen_fleet.py) in one process, against PyYAML's C
  loader reading the same files plus PyYAML's C dumper writing the same output objects;
- scaling: the KRM function on a fleet and on one ten times larger (time, and peak RSS against the output);
- peer: `dpf-render render` on the 100-deployment fleet against `kubectl kustomize` re-emitting its output;
- hostile inputs: the time to a clear error for each input limit.

The package is compiled to bytecode first (`python -m compileall -q kustomize_plugin`), as an install
does: this environment sets PYTHONDONTWRITEBYTECODE=1, and without .pyc files every start recompiles.
Nothing here asserts; `--quick` (small sizes, few runs) is what CI runs, to keep the script working.

    .venv/bin/python scripts/bench.py              # the figures in docs/performance.md
    .venv/bin/python scripts/bench.py --quick      # CI
    .venv/bin/python scripts/bench.py --tree DIR   # measure another checkout's kustomize_plugin
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import gen_fleet  # a sibling script, found through the path set just above

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

EXAMPLE = REPO / "examples" / "producer-consumer"
# Variables that change what dpf-render does; the measured runs start without them.
DPF_ENV = ("DPF_RENDER_MAX_INPUT_BYTES", "KUSTOMIZE_PLUGIN_CONFIG_STRING", "DPF_RENDER_DEBUG")
# Linux counts the memory of the process that forked a child in the child's peak RSS (the fork shares its
# pages until exec), and this script holds a fleet in memory. So the peak of a measured command is taken by
# a small launcher of its own, which writes its child's ru_maxrss to the file named first.
LAUNCHER = (
    "import os, sys\n"
    "pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss * 1024))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


class Row:
    """One line of the table."""

    __slots__ = ("baseline", "measure", "ratio", "result", "status", "target")

    def __init__(
        self,
        measure: str,
        result: str,
        baseline: str = "",
        ratio: str = "",
        target: str = "",
        status: str = "",
    ) -> None:
        self.measure = measure
        self.result = result
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.status = status


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


class Runner:
    """Runs commands as subprocesses from a clean environment; times, peak RSS and output sizes."""

    def __init__(self, tree: Path | None) -> None:
        self.env = {k: v for k, v in os.environ.items() if k not in DPF_ENV}
        if tree is not None:
            self.env["PYTHONPATH"] = str(tree)
        self.python = sys.executable
        self.dpf_render = str(Path(sys.executable).parent / "dpf-render")

    def run(
        self,
        command: list[str],
        *,
        stdin: Path | None = None,
        cwd: Path = REPO,
        env: dict[str, str] | None = None,
    ) -> tuple[float, int, int, int, bytes]:
        """(wall seconds, exit code, peak RSS bytes (see LAUNCHER), stdout bytes, first 300 bytes of stderr)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            source = open(stdin, "rb") if stdin is not None else subprocess.DEVNULL  # noqa: SIM115
            try:
                start = time.perf_counter()
                process = subprocess.Popen(
                    command, stdin=source, stdout=out, stderr=err, cwd=cwd, env={**self.env, **(env or {})}
                )
                _, status, usage = os.wait4(process.pid, 0)
                elapsed = time.perf_counter() - start
            finally:
                if stdin is not None and not isinstance(source, int):
                    source.close()
            process.returncode = os.waitstatus_to_exitcode(status)
            size = out.tell()
            err.seek(0)
            return elapsed, process.returncode, usage.ru_maxrss * 1024, size, err.read(300)

    def peak_rss(self, command: list[str], *, stdin: Path, work: Path) -> int:
        """The peak RSS of one run of `command` (bytes), from a launcher that holds nothing in memory."""
        report = work / "peak-rss"
        _, code, _, _, err = self.run([self.python, "-S", "-c", LAUNCHER, str(report), *command], stdin=stdin)
        if code:
            raise SystemExit(f"{command} failed (exit {code}): {err.decode(errors='replace')}")
        return int(report.read_text())

    def interleaved(
        self, commands: dict[str, tuple[list[str], Path | None]], runs: int
    ) -> dict[str, tuple[float, int]]:
        """Median wall time and last exit code of each command, run in turn `runs` times."""
        times: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, int] = {}
        for _ in range(runs):
            for name, (command, stdin) in commands.items():
                elapsed, code, _, _, _ = self.run(command, stdin=stdin)
                times[name].append(elapsed)
                codes[name] = code
        return {name: (statistics.median(values), codes[name]) for name, values in times.items()}


def example_resource_list(path: Path, *, constraint: bool) -> None:
    """A ResourceList of the bundled example, as kustomize sends it; optionally with a DOCA constraint."""
    items: list[Any] = []
    for source in sorted(EXAMPLE.glob("*.yaml")):
        items += [d for d in yaml.safe_load_all(source.read_text(encoding="utf-8")) if d]
    if constraint:
        for item in items:
            if item["kind"] == "DPUServiceTemplate":
                item["metadata"].setdefault("annotations", {})["dpu.nvidia.com/doca-version"] = ">= 2.9"
    document = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def cold_start(runner: Runner, work: Path, runs: int) -> list[Row]:
    plain, constrained = work / "example.yaml", work / "example-constraint.yaml"
    example_resource_list(plain, constraint=False)
    example_resource_list(constrained, constraint=True)
    commands = {
        "baseline": ([runner.python, "-c", "import yaml"], None),
        "krm": ([runner.dpf_render], plain),
        "krm-constraint": ([runner.dpf_render], constrained),
        "render": ([runner.dpf_render, "render", str(EXAMPLE)], None),
    }
    found = runner.interleaved(commands, runs)
    base = found["baseline"][0]
    rows = [Row('`python -c "import yaml"` (the baseline)', ms(base), "", "1.00x")]
    labels = {
        "krm": ("cold start: KRM function, producer/consumer ResourceList on stdin", 1.3),
        "krm-constraint": ("same, its templates with a DOCA version constraint (imports semver)", None),
        "render": ("cold start: `dpf-render render examples/producer-consumer`", 2.0),
    }
    for name, (label, target) in labels.items():
        elapsed, code = found[name]
        ratio = elapsed / base
        status = f"exit {code}" if code else (verdict(ratio <= target) if target else "for transparency")
        rows.append(
            Row(label, ms(elapsed), ms(base), f"{ratio:.2f}x", f"<= {target}x" if target else "", status)
        )
    return rows


def median_of(runs: int, functions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median time of each in-process function, run in turn."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def throughput(work: Path, deployments: int, runs: int) -> list[Row]:
    """dpf-render in one process against PyYAML's C loader plus C dumper, on the same files and objects."""
    from kustomize_plugin import pipeline, read, yamldump, yamlload
    from kustomize_plugin.config import RenderConfig

    fleet = work / f"fleet-{deployments}"
    gen_fleet.write_tree(str(fleet), deployments)
    files = sorted(fleet.glob("*.yaml"))

    def ours() -> str:
        items, _ = read.read_paths([str(fleet)], max_bytes=yamlload.DEFAULT_MAX_BYTES)
        rendering = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL)
        return "".join(yamldump.stream_pieces(rendering.documents()))

    items, _ = read.read_paths([str(fleet)], max_bytes=yamlload.DEFAULT_MAX_BYTES)
    rendering = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL)
    output = rendering.objects()
    assert not any(r.severity == "error" for r in rendering.results), [r.message for r in rendering.results][
        :3
    ]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    def baseline() -> str:
        for path in files:
            list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader))
        text: str = yaml.dump_all(output, Dumper=dumper, sort_keys=False, allow_unicode=True)
        return text

    found = median_of(runs, {"ours": ours, "baseline": baseline})
    ratio = found["ours"] / found["baseline"]
    size = sum(p.stat().st_size for p in files)
    label = (
        f"throughput: render {deployments:,} DPUDeployments x 4 services x 2 interfaces in one process "
        f"({mib(size)} in, {len(output):,} objects, {mib(len(ours()))} out)"
    )
    return [
        Row(
            label,
            secs(found["ours"]),
            secs(found["baseline"]) + " (PyYAML C load + C dump)",
            f"{ratio:.2f}x",
            "<= 1.3x (aim <= 1.0x)",
            verdict(ratio <= 1.3),
        )
    ]


def scaling(runner: Runner, work: Path, small: int, runs: int) -> list[Row]:
    """The KRM function on a YAML stream (`dpf-render < fleet.yaml`): time, peak RSS, output size."""
    measured: dict[int, tuple[float, int, int]] = {}
    for deployments in (small, small * 10):
        stream = work / f"fleet-{deployments}.yaml"
        stream.write_text(gen_fleet.dump(gen_fleet.fleet(deployments)), encoding="utf-8")
        times, size = [], 0
        for _ in range(runs):
            elapsed, code, _, size, err = runner.run([runner.dpf_render], stdin=stream)
            if code:
                raise SystemExit(
                    f"dpf-render failed on {stream} (exit {code}): {err.decode(errors='replace')}"
                )
            times.append(elapsed)
        peak = runner.peak_rss([runner.dpf_render], stdin=stream, work=work)
        measured[deployments] = (statistics.median(times), peak, size)
    (t1, _, _), (t10, _, _) = measured[small], measured[small * 10]
    rows = [
        Row(
            f"scaling: KRM function on a YAML stream, {small * 10:,} vs {small:,} DPUDeployments",
            secs(t10),
            secs(t1),
            f"{t10 / t1:.2f}x",
            "<= 11x",
            verdict(t10 / t1 <= 11),
        )
    ]
    for deployments, (_, peak, size) in measured.items():
        limit = 4 * size + 60 * 2**20
        rows.append(
            Row(
                f"peak RSS, {deployments:,} DPUDeployments ({mib(size)} of output)",
                mib(peak),
                f"{mib(limit)} (4 x output + 60 MiB)",
                f"{peak / limit:.2f}x",
                "<= 1.00x",
                verdict(peak <= limit),
            )
        )
    return rows


def peer(runner: Runner, work: Path, deployments: int, runs: int) -> list[Row]:
    """`dpf-render render` on a fleet against `kubectl kustomize` re-emitting the same output."""
    kubectl, kustomize = shutil.which("kubectl"), shutil.which("kustomize")
    if kubectl is None and kustomize is None:
        return [Row("peer: kubectl kustomize", "skipped: neither kubectl nor kustomize is on PATH")]
    fleet = work / f"fleet-{deployments}"
    if not fleet.exists():
        gen_fleet.write_tree(str(fleet), deployments)
    rendered = work / "peer"
    rendered.mkdir(exist_ok=True)
    with open(rendered / "rendered.yaml", "wb") as out:
        subprocess.run([runner.dpf_render, "render", str(fleet)], stdout=out, env=runner.env, check=True)
    (rendered / "kustomization.yaml").write_text("resources:\n- rendered.yaml\n", encoding="utf-8")
    tool = [kubectl, "kustomize"] if kubectl else [str(kustomize), "build"]
    found = runner.interleaved(
        {
            "ours": ([runner.dpf_render, "render", str(fleet)], None),
            "peer": ([*tool, str(rendered)], None),
        },
        runs,
    )
    (ours, _), (theirs, code) = found["ours"], found["peer"]
    name = f"{Path(tool[0]).name} {tool[1]}"
    if code:
        return [Row(f"peer: {name}", f"skipped: it failed (exit {code})")]
    ratio = ours / theirs
    return [
        Row(
            f"peer: `dpf-render render` on {deployments:,} DPUDeployments vs `{name}` re-emitting its output",
            secs(ours),
            secs(theirs),
            f"{ratio:.2f}x",
            "<= 0.25x",
            verdict(ratio <= 0.25),
        )
    ]


def hostile_inputs() -> dict[str, bytes]:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)
    )
    obj = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    return {
        "alias bomb (10^9 nodes once expanded)": bomb.encode(),
        "nesting 100,000 deep": ("a: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        "input over the 64 MiB cap": b"#" * (64 * 2**20 + 1),
        "a million-element list": ("a: [" + "0," * 1_000_000 + "0]\n").encode(),
        "non-UTF-8 bytes": obj.encode() + b"data: {k: \xff\xfe}\n",
        "duplicate keys": (obj + "data: {k: a}\ndata: {k: b}\n").encode(),
        "a document that is not a mapping": (obj + "---\n- a list\n").encode(),
        "`!!python/object/apply` tag": (
            obj + "data: !!python/object/apply:os.system ['touch pwned']\n"
        ).encode(),
    }


def hostile(runner: Runner, work: Path) -> list[Row]:
    rows = []
    for name, data in hostile_inputs().items():
        path = work / "hostile.yaml"
        path.write_bytes(data)
        elapsed, code, _, size, err = runner.run([runner.dpf_render], stdin=path, cwd=work)
        message = err.decode("utf-8", "replace").splitlines()[0] if err else "(no message)"
        ok = code == 1 and size == 0 and elapsed < 2 and not (work / "pwned").exists()
        rows.append(
            Row(
                f"hostile input: {name}",
                f"{ms(elapsed)}, exit {code}: {message[:90]}",
                "",
                "",
                "clear error, exit 1, < 2 s",
                verdict(ok),
            )
        )
    return rows


def table(rows: list[Row]) -> str:
    header = "| Measure | Result | Baseline | Ratio | Target | Status |\n|---|---|---|---|---|---|\n"
    cells = ((r.measure, r.result, r.baseline, r.ratio, r.target, r.status) for r in rows)
    return header + "".join("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |\n" for row in cells)


def compile_package(tree: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(tree / "kustomize_plugin")], check=True, cwd=tree
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs (CI)")
    parser.add_argument("--runs", type=int, help="cold-start runs per command (default 31, quick 7)")
    parser.add_argument(
        "--tree", type=Path, help="a checkout whose kustomize_plugin to measure (default: this)"
    )
    args = parser.parse_args(argv)
    tree = (args.tree or REPO).resolve()
    if args.tree is not None:
        sys.path.insert(0, str(tree))
    quick = args.quick
    cold_runs = args.runs or (7 if quick else 31)
    runs = 5
    fleet, small, peer_size = (100, 10, 10) if quick else (1000, 1000, 100)

    compile_package(tree)
    runner = Runner(tree if args.tree is not None else None)
    import kustomize_plugin

    print(
        f"dpf-render benchmarks{' (--quick)' if quick else ''}: Python {platform.python_version()}, "
        f"PyYAML {yaml.__version__} (LibYAML {yaml._yaml.get_version_string()}), {os.cpu_count()} CPUs, "
        f"package {Path(kustomize_plugin.__file__).parent}"
    )
    print(
        f"Compiled to bytecode first (python -m compileall -q kustomize_plugin), as an install does. "
        f"Times are medians of {cold_runs} interleaved runs (cold start) or {runs} (the rest).\n"
    )
    with tempfile.TemporaryDirectory(prefix="dpf-bench-") as tmp:
        work = Path(tmp)
        rows = cold_start(runner, work, cold_runs)
        rows += throughput(work, fleet, runs)
        rows += scaling(runner, work, small, runs)
        rows += peer(runner, work, peer_size, runs)
        rows += hostile(runner, work)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
