"""Packaging: lambdaworks build vs sam build (with and without --cached), chalice package, pip + zip.

Run by hand (needs the ``bench`` extra's Python only; SAM and Chalice go into their own venvs)::

    .venv/bin/python benchmarks/build.py --setup-peers      # once: aws-sam-cli, chalice (+ the apps' deps)
    .venv/bin/python benchmarks/build.py [--rounds 3]

Two small projects, each written fresh per contender per round: a Flask app and a FastAPI app on
python3.11 (this machine's Python, so ``sam build`` builds natively). Each is served through the
adapter its tool would use: lambdaworks' own runtime (vended by the build), apig-wsgi or mangum in
the requirements of sam and pip + zip, Chalice's own runtime (a Chalice route beside the app).
Per contender: first build (fresh project and tool cache; pip's download cache is warm for all),
no-op rebuild, rebuild after a one-line code edit, then the deployable zip size (SAM's build
folder and pip's target zipped as ``sam package`` would: deflate at the default level) and its
unzipped size. Contenders are interleaved round by round; cells are medians over rounds. Ratios
are peer / lambdaworks (>1: lambdaworks is faster or smaller), against the best peer in each row.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PEERS = ROOT / ".peers"
SAM = PEERS / "sam" / "bin" / "sam"
CHALICE = PEERS / "chalice" / "bin" / "chalice"
LAMBDAWORKS = Path(sys.executable).parent / "lambdaworks"
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": ""}

APPS = {
    "flask": {
        "requirements": ["flask>=3.0"],
        "peer_adapter": "apig-wsgi>=2.18",
        "code": 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/hello/<name>")\n'
        'def hello(name):\n    return {"message": f"Hello, {name}!"}\n',
        "lambdaworks": "import lambdaworks\n\nhandler = lambdaworks.handler(app)\n",
        "peer": "from apig_wsgi import make_lambda_handler\n\nhandler = make_lambda_handler(app)\n",
    },
    "fastapi": {
        "requirements": ["fastapi>=0.110"],
        "peer_adapter": "mangum>=0.17",
        "code": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/hello/{name}")\n'
        'def hello(name: str):\n    return {"message": f"Hello, {name}!"}\n',
        "lambdaworks": "import lambdaworks\n\nhandler = lambdaworks.handler(app)\n",
        "peer": "from mangum import Mangum\n\nhandler = Mangum(app)\n",
    },
}

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  WebFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: app/
      Handler: app.handler
      Runtime: python3.11
"""


def run(argv: list[str], cwd: Path) -> float:
    """Seconds ``argv`` took; it must succeed."""
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return took


def zip_folder(folder: Path, archive: Path) -> None:
    """As ``sam package`` zips a build folder: every file, deflate at zlib's default level."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())


def unzipped(archives: list[Path]) -> int:
    total = 0
    for archive in archives:
        with zipfile.ZipFile(archive) as zf:
            total += sum(i.file_size for i in zf.infolist())
    return total


class Contender:
    """A packaging tool on one project folder: how to build it and where its zips end up."""

    name = ""

    def __init__(self, app: str, folder: Path) -> None:
        self.app, self.folder, self.spec = app, folder, APPS[app]

    def write(self) -> None:
        (self.folder / "app").mkdir(parents=True)
        (self.folder / "template.yaml").write_text(TEMPLATE)
        adapter = self.spec["lambdaworks"] if self.name == "lambdaworks" else self.spec["peer"]
        (self.folder / "app" / "app.py").write_text(self.spec["code"] + "\n" + adapter)
        extra = [] if self.name == "lambdaworks" else [self.spec["peer_adapter"]]
        (self.folder / "app" / "requirements.txt").write_text("\n".join([*self.spec["requirements"], *extra]) + "\n")

    def edit(self) -> None:
        with (self.folder / self.code_file()).open("a") as f:
            f.write(f"\nEDITED = {time.time()!r}\n")

    def code_file(self) -> str:
        return "app/app.py"

    def build(self) -> float:
        raise NotImplementedError

    def archives(self) -> list[Path]:
        raise NotImplementedError


class Lambdaworks(Contender):
    name = "lambdaworks"

    def build(self) -> float:
        return run([str(LAMBDAWORKS), "build", "."], self.folder)

    def archives(self) -> list[Path]:
        out = self.folder / ".lambdaworks" / "build"
        return sorted(out.glob("*.zip"))


class Sam(Contender):
    name = "sam build"
    flags: tuple[str, ...] = ()

    def build(self) -> float:
        return run([str(SAM), "build", *self.flags], self.folder)

    def archives(self) -> list[Path]:
        archive = self.folder / "sam.zip"
        zip_folder(self.folder / ".aws-sam" / "build" / "WebFunction", archive)
        return [archive]


class SamCached(Sam):
    name = "sam --cached"
    flags = ("--cached",)


class Chalice(Contender):
    name = "chalice"

    def write(self) -> None:
        super().write()
        for name in ("app.py", "requirements.txt"):
            shutil.move(self.folder / "app" / name, self.folder / name)
        (self.folder / "app").rmdir()
        (self.folder / "chalicelib").mkdir()
        (self.folder / "chalicelib" / "web.py").write_text(self.spec["code"])
        (self.folder / "app.py").write_text(
            "from chalice import Chalice\n\nfrom chalicelib.web import app as web\n\n"
            'app = Chalice(app_name="bench")\n\n\n@app.route("/hello/{name}")\n'
            'def hello(name):\n    return {"message": f"Hello, {name}!"}\n'
        )
        requirements = self.folder / "requirements.txt"
        requirements.write_text(requirements.read_text().replace(self.spec["peer_adapter"] + "\n", ""))
        (self.folder / ".chalice").mkdir()
        (self.folder / ".chalice" / "config.json").write_text(
            '{"version": "2.0", "app_name": "bench", "stages": {"dev": {"api_gateway_stage": "api"}}}'
        )

    def code_file(self) -> str:
        return "chalicelib/web.py"

    def build(self) -> float:
        return run([str(CHALICE), "package", "out"], self.folder)

    def archives(self) -> list[Path]:
        return [self.folder / "out" / "deployment.zip"]


class PipZip(Contender):
    name = "pip + zip"

    def build(self) -> float:
        start = time.perf_counter()
        target = self.folder / "package"
        shutil.rmtree(target, ignore_errors=True)
        pip = [sys.executable, "-m", "pip", "install", "-q", "--target", str(target), "-r", "app/requirements.txt"]
        run(pip, self.folder)
        shutil.copy(self.folder / "app" / "app.py", target / "app.py")
        zip_folder(target, self.folder / "package.zip")
        return time.perf_counter() - start

    def archives(self) -> list[Path]:
        return [self.folder / "package.zip"]


CONTENDERS: list[type[Contender]] = [Lambdaworks, Sam, SamCached, Chalice, PipZip]
METRICS = ["first build s", "no-op s", "code edit s", "zip KB", "unzipped KB"]


def measure(app: str, kind: type[Contender], scratch: Path) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix=f"{app}-", dir=scratch))
    contender = kind(app, folder)
    contender.write()
    first = contender.build()
    noop = contender.build()
    contender.edit()
    edit = contender.build()
    archives = contender.archives()
    return {
        "first build s": first,
        "no-op s": noop,
        "code edit s": edit,
        "zip KB": sum(a.stat().st_size for a in archives) / 1024,
        "unzipped KB": unzipped(archives) / 1024,
    }


def setup_peers() -> None:
    for name, packages in (("sam", ["aws-sam-cli"]), ("chalice", ["chalice", "flask", "fastapi"])):
        venv = PEERS / name
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *packages], check=True)


def print_table(results: dict[tuple[str, str], dict[str, list[float]]]) -> None:
    names = [k.name for k in CONTENDERS]
    peers = names[1:]
    print(
        f"\n{'project':<8} {'metric':<14} {'lambdaworks':>12}"
        + "".join(f" {p:>13}" for p in peers)
        + "  ratio (best peer)"
    )
    for app in APPS:
        for metric in METRICS:
            row = {name: statistics.median(results[(app, name)][metric]) for name in names}
            ours = row["lambdaworks"]
            best = min(row[p] for p in peers)
            fmt = "{:>13.3f}" if metric.endswith(" s") else "{:>13.0f}"
            cells = "".join(" " + fmt.format(row[p]) for p in peers)
            print(f"{app:<8} {metric:<14} {fmt.format(ours)[1:]}{cells}  {best / ours:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--setup-peers", action="store_true")
    args = parser.parse_args()
    if args.setup_peers:
        setup_peers()
        return
    for tool in (SAM, CHALICE, LAMBDAWORKS):
        if not tool.exists():
            raise SystemExit(f"{tool} is missing: run with --setup-peers first (and install lambdaworks in this venv)")
    results: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory(prefix="lambdaworks-build-bench-") as scratch:
        ENV["LAMBDAWORKS_STAMP_DIR"] = str(Path(scratch) / "stamps")  # no-op stamps, not in the user's cache
        for round_ in range(args.rounds):
            for app in APPS:
                for kind in CONTENDERS:
                    measured = measure(app, kind, Path(scratch))
                    for metric, value in measured.items():
                        results[(app, kind.name)][metric].append(value)
                    print(
                        f"round {round_ + 1} {app:<8} {kind.name:<12} "
                        + "  ".join(f"{m}={v:.3f}" for m, v in measured.items()),
                        flush=True,
                    )
    print(
        f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores, rounds={args.rounds}; medians; "
        "ratio = best peer / lambdaworks"
    )
    print_table(results)


if __name__ == "__main__":
    main()
