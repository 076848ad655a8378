"""Jobs from the queue; a job for a key with "poison" in it fails every time."""

import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        job = json.loads(record["body"])
        if "poison" in job["key"]:
            print(f"cannot process {job['key']} (attempt {record['attributes']['ApproximateReceiveCount']})")
            failures.append({"itemIdentifier": record["messageId"]})
        else:
            print(f"processed {job['key']}")
    return {"batchItemFailures": failures}
