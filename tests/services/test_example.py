"""examples/uploads end to end, as its README walk-through runs it: a presigned URL from the API,
an upload past the 6 MB payload limit straight to the bucket (PUT, and an HTML form's POST), the
S3 event's processor writing DynamoDB and SQS, and a poison job in the dead-letter queue after
exactly maxReceiveCount (3) receives."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import httpx

from tests.local.conftest import LiveEmulator, free_port
from tests.services.test_live import Stack, until

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "uploads"


def test_uploads_example_end_to_end(tmp_path: Path) -> None:
    port = free_port()
    live = LiveEmulator(EXAMPLE, "--services-port", str(port), state_dir=tmp_path / "state")
    stack = Stack(live, port, tmp_path)
    try:
        answer = json.loads(urllib.request.urlopen(f"{live.url}/upload-url?key=big/file.bin", timeout=30).read())
        body = os.urandom(7 * 1024 * 1024)  # over the 6 MB a function's payload may be
        put = urllib.request.Request(answer["url"], data=body, method="PUT")
        assert urllib.request.urlopen(put, timeout=60).status == 200
        dynamodb = stack.client("dynamodb")

        def item(key: str) -> list[dict[str, object]]:
            return [i for i in dynamodb.scan(TableName="files")["Items"] if i["key"]["S"] == key]

        assert until(lambda: item("big/file.bin")) == [{"key": {"S": "big/file.bin"}, "size": {"N": str(len(body))}}]
        assert live.wait_for("[Worker] processed big/file.bin")

        form = json.loads(urllib.request.urlopen(f"{live.url}/upload-url?key=form.txt&method=post", timeout=30).read())
        posted = httpx.post(form["url"], data=form["fields"], files={"file": ("form.txt", b"from a form")}, timeout=30)
        assert posted.status_code == 204
        assert until(lambda: item("form.txt"))[0]["size"] == {"N": "11"}

        poison = json.loads(urllib.request.urlopen(f"{live.url}/upload-url?key=poison.txt", timeout=30).read())
        request = urllib.request.Request(poison["url"], data=b"bad", method="PUT")
        assert urllib.request.urlopen(request, timeout=30).status == 200
        sqs = stack.client("sqs")
        dlq = sqs.get_queue_url(QueueName="jobs-dlq")["QueueUrl"]
        moved = until(lambda: sqs.receive_message(QueueUrl=dlq).get("Messages"), timeout=40)
        assert json.loads(moved[0]["Body"]) == {"key": "poison.txt", "size": 3}
        attempts = [line for line in live.lines if "cannot process poison.txt" in line]
        assert [line.rsplit("(", 1)[1] for line in attempts] == ["attempt 1)", "attempt 2)", "attempt 3)"]
    finally:
        live.stop()
