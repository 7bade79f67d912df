"""Run every benchmark in this directory, one subprocess each, and print their tables.

Usage (from the repository root, with the project installed)::

    python benchmarks/run_all.py            # everything, full size (a few minutes)
    python benchmarks/run_all.py --quick    # smaller sizes, for a smoke run
    python benchmarks/run_all.py --only overhead --only limiter
    python benchmarks/run_all.py --log benchmarks/latest.txt

Each ``bench_*.py`` is found automatically and run with the same Python. A benchmark exits
non-zero when it misses its target (or fails); the summary shows which, and this script then
exits 1. Benchmarks share a 2-core machine badly: they run one after the other, never at once.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent

# Smaller sizes for --quick, by benchmark name; a benchmark not listed runs as it is.
QUICK_ARGS: dict[str, list[str]] = {
    "bench_overhead": ["--seconds", "1", "--rounds", "3"],
    "bench_limiter": ["--seconds", "3"],
    "bench_bulk": ["--ids", "10000"],
    "bench_fake": ["--seconds", "2"],
    "bench_decode": ["--seconds", "0.3"],
    "bench_inbox": ["--messages", "1000", "--rounds", "1"],
    "bench_telemetry": ["--calls", "3000", "--rounds", "3"],
    "bench_client_work": ["--calls", "5000", "--rounds", "3"],
    "bench_adaptive": ["--quick", "--adaptive-only"],
    "bench_redis_limiter": ["--quick"],
    "bench_journal": ["--ids", "10000"],
}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def discover(only: list[str]) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        scripts = [path for path in scripts if any(name in path.stem for name in only)]
    return scripts


def run_one(script: Path, extra: list[str], log: TextIO | None) -> tuple[int, float]:
    """Run one benchmark, echoing its output as it comes; (exit code, seconds)."""
    command = [sys.executable, str(script), *extra]
    started = time.monotonic()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          cwd=HERE.parent, env=environment) as process:
        assert process.stdout is not None
        for line in process.stdout:
            emit(line, log)
        code = process.wait()
    return code, time.monotonic() - started


def emit(text: str, log: TextIO | None) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
    if log is not None:
        log.write(text)
        log.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only benchmarks whose name contains NAME (repeatable)")
    parser.add_argument("--log", metavar="FILE", help="also write everything to FILE")
    args = parser.parse_args()
    scripts = discover(args.only)
    if not scripts:
        print("no benchmark matches", file=sys.stderr)
        return 2
    log = open(args.log, "w", encoding="utf-8") if args.log else None  # noqa: SIM115
    try:
        emit(f"pandapon-async benchmarks, {datetime.date.today().isoformat()}: {cpu_model()}, "
             f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"{platform.system()} {platform.release()}"
             f"{' (quick)' if args.quick else ''}\n", log)
        results: list[tuple[str, int, float]] = []
        for script in scripts:
            extra = QUICK_ARGS.get(script.stem, []) if args.quick else []
            emit(f"\n=== {script.name} {' '.join(extra)}\n", log)
            code, seconds = run_one(script, extra, log)
            results.append((script.stem, code, seconds))
        emit("\n=== summary\n", log)
        for name, code, seconds in results:
            status = "ok" if code == 0 else f"exit {code} (target missed or failed)"
            emit(f"{name:<20} {seconds:>7.1f} s  {status}\n", log)
    finally:
        if log is not None:
            log.close()
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
