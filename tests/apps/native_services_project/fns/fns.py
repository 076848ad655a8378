"""Leaves each event it receives in $OUT_DIR, by event source."""

import json
import os
from pathlib import Path


def keep(event, context):
    source = event["Records"][0].get("eventSource") or "unknown"
    folder = Path(os.environ["OUT_DIR"], source.replace(":", "-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{context.aws_request_id}.json").write_text(json.dumps(event))
