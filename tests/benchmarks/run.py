"""The benchmarks of performance.md: `.venv/bin/python tests/benchmarks/run.py [name …] [options]`.

Without names every benchmark runs. Each prints a table and writes `bench-results/<name>.json`. A benchmark
is a module beside this file with `NAME`, `DESCRIPTION`, `add_arguments(parser)` and
`async run(options) -> harness.BenchmarkReport` (or, self-contained, a sync `run(argv)` that prints and writes
its own results); adding one means adding its module name to `BENCHMARKS`.
Timings never go into pass/fail tests, so nothing here is named `test_*` and pytest collects none of it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import time
from pathlib import Path
from types import ModuleType

from harness import REPOSITORY, machine, write_results

BENCHMARKS = [
    "publish_path",
    "record_writes",
    "scrubbing",
    "withdrawal",
    "exchange_search",
    "analytics_tables",
    "web_pages",
    "load",
]
BACKENDS = ("sqlite", "postgresql")


def backend_list(text: str) -> list[str]:
    backends = [name.strip() for name in text.split(",") if name.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown backends {sorted(unknown)}; choose from {', '.join(BACKENDS)}")
    return backends


def parser_for(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tests/benchmarks/run.py",
        description="Bansō benchmarks (performance.md). Benchmarks: "
        + "; ".join(f"{name} — {module.DESCRIPTION}" for name, module in modules.items()),
    )
    parser.add_argument("benchmarks", nargs="*", metavar="benchmark", help=f"any of {', '.join(modules)} (all)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per variant; figures are medians (3)")
    parser.add_argument(
        "--backends",
        type=backend_list,
        default=None,
        help="comma-separated, from sqlite,postgresql (sqlite, plus postgresql when BANSO_BENCH_POSTGRES_URL "
        "or BANSO_TEST_POSTGRES_URL is set)",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=REPOSITORY / "bench-results", help="where JSON results go (bench-results/)"
    )
    for module in modules.values():
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    modules = {name: importlib.import_module(name) for name in BENCHMARKS}
    parser = parser_for(modules)
    options = parser.parse_args(argv)
    unknown = [name for name in options.benchmarks if name not in modules]
    if unknown:
        parser.error(f"unknown benchmarks {unknown}; choose from {', '.join(modules)}")
    facts = machine()
    print(f"machine: {facts['nproc']} cores, Python {facts['python']}, load {facts['load_average_at_start']}")
    for name in options.benchmarks or list(modules):
        module = modules[name]
        print(f"\n== {name}: {module.DESCRIPTION}", flush=True)
        started = time.monotonic()
        if not hasattr(module, "add_arguments"):
            # Self-contained: it has its own options and defaults, prints its table and writes its JSON.
            module.run([])
            continue
        report = asyncio.run(module.run(options))
        print()
        print(report.table.render())
        for note in report.notes:
            print(f"  {note}")
        path = write_results(options.output_dir, report, facts | {"seconds": round(time.monotonic() - started, 1)})
        print(f"{name}: {time.monotonic() - started:.0f} s; results in {path}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
