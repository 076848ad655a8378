"""An undebugged function's per-request cost with and without ``--debug`` on another function.

Run by hand (needs wrk)::

    .venv/bin/python benchmarks/debugging.py [--rounds 3] [--duration 5]

``lambdaworks dev examples/sam-app`` serves ``GET /hello`` (HelloFunction); the same with
``--debug FastApiFunction`` (a debugged function beside it, never called), with debugpy and with
``--debugger pycharm``. wrk at one connection
drives /hello for ``--duration`` seconds per cell, the two setups interleaved round by round;
cells are medians. The ratio should be 1.00 within noise: the only per-request work ``--debug``
adds for the others is one lookup of whether the function is debugged.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from lambdaworks.testing.stack import DevProcess

APP = Path(__file__).resolve().parents[1] / "examples" / "sam-app"
PORT, INVOKE = 3981, 3982


def requests_per_second(extra: list[str], duration: int) -> float:
    with tempfile.TemporaryDirectory() as state:
        argv = [sys.executable, "-m", "lambdaworks.cli", "dev", str(APP), "--port", str(PORT)]
        argv += ["--invoke-port", str(INVOKE), "--url-port", "0", "--no-reload", "--state-dir", state, *extra]
        dev = DevProcess(argv)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/hello", timeout=30).read()  # warm
            out = subprocess.run(
                ["wrk", "-t1", "-c1", f"-d{duration}s", f"http://127.0.0.1:{PORT}/hello"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            dev.stop()
    return float(out.split("Requests/sec:")[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    args = parser.parse_args()
    setups = {
        "dev": [],
        "dev --debug FastApiFunction": ["--debug", "FastApiFunction"],
        "dev --debug FastApiFunction --debugger pycharm": ["--debug", "FastApiFunction", "--debugger", "pycharm"],
    }
    cells: dict[str, list[float]] = {name: [] for name in setups}
    for _ in range(args.rounds):
        for name, extra in setups.items():
            cells[name].append(requests_per_second(extra, args.duration))
    plain = statistics.median(cells["dev"])
    print("| HelloFunction, GET /hello, c=1 | req/s (median) | ratio to dev | cells |")
    print("| --- | --- | --- | --- |")
    for name, values in cells.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.0f} | {median / plain:.2f} | {[round(x) for x in values]} |")


if __name__ == "__main__":
    main()
