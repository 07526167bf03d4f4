"""Cold start and throughput of the single-file build (scripts/build_zipapp.py) against the installed package.

The same method as scripts/bench.py: every figure is the median of interleaved runs, as a ratio against
`python -c "import yaml"` measured in the same run (for cold starts) or against the installed dpf-render
(for throughput). The single file uses PyYAML's pure-Python parser (no C extension can be imported from a
zip); its bytecode is compiled for the building Python, so the row "sources only" shows what another Python
version pays (it compiles every module at each start).

    .venv/bin/python scripts/bench_zipapp.py            # builds the file, prints a Markdown table
    .venv/bin/python scripts/bench_zipapp.py --quick    # few runs, small fleet: keeps the script working
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import bench  # the sibling benchmark: its runner, table and example ResourceList
import build_zipapp
import gen_fleet


def measure(runs: int, deployments: int, work: Path) -> list[bench.Row]:
    single = build_zipapp.build(work / "dpf-render.pyz")
    sources_only = build_zipapp.build(work / "sources-only.pyz", wheels_dir=work / "wheels", bytecode=False)
    runner = bench.Runner(None)
    example = work / "example.yaml"
    bench.example_resource_list(example, constraint=False)
    commands: dict[str, tuple[list[str], Path | None]] = {
        "baseline": ([runner.python, "-c", "import yaml"], None),
        "installed": ([runner.dpf_render], example),
        "single": ([runner.python, str(single)], example),
        "sources": ([runner.python, str(sources_only)], example),
        "single-render": ([runner.python, str(single), "render", str(bench.EXAMPLE)], None),
    }
    found = runner.interleaved(commands, runs)
    base = found["baseline"][0]
    rows = [bench.Row('`python -c "import yaml"` (the baseline, LibYAML)', bench.ms(base), "", "1.00x")]
    labels = {
        "installed": "cold start: installed package (LibYAML), KRM function on the producer/consumer ResourceList",
        "single": "cold start: single file (pure-Python YAML), the same",
        "sources": "cold start: single file without bytecode for this Python (another 3.11+ version)",
        "single-render": "cold start: single file, `render examples/producer-consumer`",
    }
    for name, label in labels.items():
        elapsed, code = found[name]
        status = f"exit {code}" if code else ""
        rows.append(bench.Row(label, bench.ms(elapsed), bench.ms(base), f"{elapsed / base:.2f}x", "", status))

    fleet = work / "fleet"
    gen_fleet.main(["--deployments", str(deployments), "--out", str(fleet)])
    throughput: dict[str, tuple[list[str], Path | None]] = {
        "installed": ([runner.dpf_render, "render", str(fleet)], None),
        "single": ([runner.python, str(single), "render", str(fleet)], None),
    }
    timed = runner.interleaved(throughput, max(3, runs // 5))
    installed, single_time = timed["installed"][0], timed["single"][0]
    rows.append(
        bench.Row(
            f"`render` of {deployments} DPUDeployments: single file vs installed",
            bench.secs(single_time),
            bench.secs(installed),
            f"{single_time / installed:.2f}x",
            "",
            f"exit {timed['single'][1]}" if timed["single"][1] else "",
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="few runs and a small fleet")
    args = parser.parse_args(argv)
    runs, deployments = (5, 10) if args.quick else (31, 100)
    bench.compile_package(REPO)
    with tempfile.TemporaryDirectory(prefix="dpf-render-bench-zipapp-") as scratch:
        rows = measure(runs, deployments, Path(scratch))
    print(bench.table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
