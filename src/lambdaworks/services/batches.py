"""What a function's answer to a batch means for its records (SQS messages, stream records).

With ``FunctionResponseTypes: [ReportBatchItemFailures]`` the function may return
``{"batchItemFailures": [{"itemIdentifier": ID}, ...]}``. Lambda takes the batch as a complete
success for an empty or null list or an empty or null response, and as a complete failure for a
response it cannot read: not JSON, an ``itemIdentifier`` empty, null, missing or naming no record of
the batch (AWS Lambda developer guide: "Handling errors for an SQS event source", "Configuring
partial batch response with DynamoDB and Lambda"). Without the setting the answer is not read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from lambdaworks.services.invoke import Result


def failed_items(result: Result, identifiers: Sequence[str], report_failures: bool) -> list[str]:
    """The identifiers of ``identifiers`` (in their order) that failed; all of them for a failed batch."""
    if not result.ok:
        return list(identifiers)
    if not report_failures:
        return []
    try:
        answer = json.loads(result.body) if result.body.strip() else None
    except ValueError:
        return list(identifiers)
    if answer is None or not isinstance(answer, dict):
        return [] if answer in (None, {}) else list(identifiers)
    failures = answer.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return list(identifiers)
    named = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in identifiers:
            return list(identifiers)
        named.add(identifier)
    return [i for i in identifiers if i in named]
