"""The local AWS services: start-up, event latency, SQS throughput, a large upload.

Run by hand::

    .venv/bin/python benchmarks/services.py [--samples 50]

On ``benchmarks/apps/services`` (a bucket and a queue, each with a no-op consumer, and an HTTP
route), with fresh services each run:

- start: ``lambdaworks dev`` process start to the first 200 from the gateway, services included;
- S3 PutObject (and SQS SendMessage) to the consumer's START line, one at a time: p50 and p99;
- 1,000 SQS messages (sent in batches of 10, ``BatchSize: 10``) until the queue is drained;
- a 100 MB presigned PUT: its time, and how much ``dev`` and the services process grew.

Medians over ``--rounds`` runs where it applies; the machine has 2 cores and is noisy.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

APP = Path(__file__).resolve().parent / "apps" / "services"
PORT, INVOKE, SERVICES = 3961, 3962, 4599


class Dev:
    """A running ``lambdaworks dev`` whose output lines are timestamped as they arrive."""

    def __init__(self, state: Path, app: Path = APP) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lambdaworks.cli",
                "dev",
                str(app),
                "--port",
                str(PORT),
                "--invoke-port",
                str(INVOKE),
                "--url-port",
                "0",
                "--services-port",
                str(SERVICES),
                "--state-dir",
                str(state),
                "--fresh",
                "--no-reload",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.perf_counter(), line))

    def first_response(self) -> float:
        """To the first 200 once dev says Ready (the gateway answers earlier, before the services are up)."""
        while not any("Ready." in line for _, line in self.lines):
            time.sleep(0.005)
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{PORT}/hello", timeout=5).status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.01)

    def wait_start(self, function: str, after: int) -> float:
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            for stamp, line in self.lines[after:]:
                if line.startswith(f"[{function}] START"):
                    return stamp
            time.sleep(0.0005)
        raise TimeoutError(function)

    def rss_mb(self) -> tuple[float, float]:
        services = subprocess.run(
            ["pgrep", "-f", f"lambdaworks.services --port {SERVICES}"], check=False, capture_output=True, text=True
        )
        pids = [int(p) for p in services.stdout.split()]

        def rss(pid: int) -> float:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
            return 0.0

        return rss(self.process.pid), rss(pids[0]) if pids else 0.0

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGINT)
        self.process.wait(30)


def client(service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{SERVICES}",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 0}),
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


HELLO_ONLY = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: {code}
      Handler: noop.handler
      Events:
        Get: {{Type: HttpApi, Properties: {{Path: /hello, Method: GET}}}}
"""


def gateway_rps(app: Path, seconds: int = 5) -> float:
    """wrk at one connection on the gateway's /hello: requests per second."""
    with tempfile.TemporaryDirectory() as folder:
        dev = Dev(Path(folder), app)
        dev.first_response()
        output = subprocess.run(
            ["wrk", "-t1", "-c1", f"-d{seconds}s", f"http://127.0.0.1:{PORT}/hello"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        dev.stop()
    return float(output.split("Requests/sec:")[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    starts, s3_lat, sqs_lat, drains, uploads, growth = [], [], [], [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            dev = Dev(Path(folder))
            starts.append(dev.first_response())
            s3, sqs = client("s3"), client("sqs")
            url = sqs.get_queue_url(QueueName="bench-work")["QueueUrl"]
            for n in range(args.samples + 2):  # the first two warm the consumers
                mark = len(dev.lines)
                sent = time.perf_counter()
                s3.put_object(Bucket="bench-drop", Key=f"k{n}", Body=b"x")
                latency = dev.wait_start("OnDrop", mark) - sent
                mark = len(dev.lines)
                sent = time.perf_counter()
                sqs.send_message(QueueUrl=url, MessageBody="x")
                sqs_latency = dev.wait_start("OnWork", mark) - sent
                if n >= 2:
                    s3_lat.append(latency * 1000)
                    sqs_lat.append(sqs_latency * 1000)
                time.sleep(0.02)
            time.sleep(1)
            began = time.perf_counter()
            for batch in range(100):
                sqs.send_message_batch(
                    QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"{batch}-{i}"} for i in range(10)]
                )
            while True:
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                if (
                    attributes["ApproximateNumberOfMessages"]
                    == "0"
                    == attributes["ApproximateNumberOfMessagesNotVisible"]
                ):
                    break
                time.sleep(0.1)  # the count is a pass over the queue: ask seldom, not to slow the drain
            drains.append(time.perf_counter() - began)
            before = dev.rss_mb()
            presigned = s3.generate_presigned_url("put_object", Params={"Bucket": "bench-drop", "Key": "big"})
            body = os.urandom(100 * 1000 * 1000)
            began = time.perf_counter()
            request = urllib.request.Request(
                presigned, data=body, method="PUT", headers={"Content-Type": "application/octet-stream"}
            )
            assert urllib.request.urlopen(request, timeout=120).status == 200
            uploads.append(time.perf_counter() - began)
            after = dev.rss_mb()
            growth.append((after[0] - before[0], after[1] - before[1]))
            dev.stop()
    with tempfile.TemporaryDirectory() as folder:  # the same function, without any AWS resource
        bare = Path(folder)
        (bare / "template.yaml").write_text(HELLO_ONLY.format(code=APP))
        with_services = statistics.median(gateway_rps(APP) for _ in range(args.rounds))
        without = statistics.median(gateway_rps(bare) for _ in range(args.rounds))
    print("| measure | median of rounds | target |")
    print("| --- | --- | --- |")
    print(f"| dev start to first 200, services included | {statistics.median(starts):.2f} s | <= 1.5 s |")
    s3_p = f"{percentile(s3_lat, 0.5):.1f} / {percentile(s3_lat, 0.99):.1f}"
    print(f"| S3 PutObject -> START, p50 / p99 | {s3_p} ms | <= 50 / 250 ms |")
    sqs_p = f"{percentile(sqs_lat, 0.5):.1f} / {percentile(sqs_lat, 0.99):.1f}"
    print(f"| SQS SendMessage -> START, p50 / p99 | {sqs_p} ms | <= 50 / 250 ms |")
    print(f"| 1,000 SQS messages drained (BatchSize 10) | {statistics.median(drains):.2f} s | <= 5 s |")
    print(f"| 100 MB presigned PUT | {statistics.median(uploads):.2f} s | <= 3 s |")
    dev_growth = statistics.median(g[0] for g in growth)
    services_growth = statistics.median(g[1] for g in growth)
    print(
        f"| gateway req/s at c=1, services idle / no services | {with_services:.0f} / {without:.0f} "
        f"({with_services / without:.2f}x) | unchanged |"
    )
    print(f"| memory growth during it: dev / services | {dev_growth:.0f} / {services_growth:.0f} MB | < 100 MB |")


if __name__ == "__main__":
    main()
