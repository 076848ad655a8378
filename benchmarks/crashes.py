"""Asynchronous events across ``kill -9`` of the emulator: how many are lost, how many run twice.

Run by hand::

    .venv/bin/python benchmarks/crashes.py [--kills 20] [--events 25] [--concurrency 2]

A worker function (``ReservedConcurrentExecutions: --concurrency``) sleeps 50 ms and appends the
event's number to a file when it is done. Each round starts ``lambdaworks dev`` on the same state
folder, sends ``--events`` asynchronous invokes (``InvocationType=Event``), waits a random moment
and kills the emulator with SIGKILL. A last start drains what is left. At-least-once is the
promise: nothing may be lost, and an event may run twice only when it was running at a kill, so
the duplicates are bounded by kills x concurrency (the environments die with the emulator, so an
attempt cut short does not count; one whose result was written but not yet recorded does).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import boto3
from botocore.config import Config

from lambdaworks.testing.stack import DevProcess

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: worker.handler
      CodeUri: .
      ReservedConcurrentExecutions: {concurrency}
      Environment:
        Variables:
          OUT: {out}
"""

WORKER = """\
import os, time

def handler(event, context):
    time.sleep(0.05)
    with open(os.environ["OUT"], "a") as file:
        file.write(f"{event['n']}\\n")
"""


def start(project: Path, state: Path, port: int) -> DevProcess:
    """``dev`` on ``state``, its output read all along (a full pipe would stop its logging)."""
    argv = [sys.executable, "-m", "lambdaworks.cli", "dev", str(project), "--port", "0", "--invoke-port", str(port)]
    return DevProcess([*argv, "--state-dir", str(state), "--no-reload", "--retry-delay", "0.2"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--events", type=int, default=25)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lambdaworks-crashes-") as folder:
        root = Path(folder)
        project, state, out = root / "project", root / "state", root / "done.log"
        project.mkdir()
        (project / "template.yaml").write_text(TEMPLATE.format(concurrency=args.concurrency, out=out))
        (project / "worker.py").write_text(WORKER)
        port = 3951
        client = boto3.client(
            "lambda",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 0}),
        )
        sent = 0
        for _ in range(args.kills):
            process = start(project, state, port)
            for _ in range(args.events):
                client.invoke(FunctionName="Worker", InvocationType="Event", Payload=f'{{"n": {sent}}}'.encode())
                sent += 1
            time.sleep(random.uniform(0.05, 0.6))
            os.killpg(process.process.pid, signal.SIGKILL)
            process.stop()
        process = start(project, state, port)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = Counter(out.read_text().split()) if out.exists() else Counter()
            if len(done) >= sent:
                break
            time.sleep(0.2)
        process.stop()
    lost = sent - len(done)
    twice = sum(count - 1 for count in done.values())
    print("| kills | events accepted | lost | ran twice | bound (kills x concurrency) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| {args.kills} | {sent} | {lost} | {twice} | {args.kills * args.concurrency} |")


if __name__ == "__main__":
    main()
