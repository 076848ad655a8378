"""An upload arrived: record it in the table and queue a job for it."""

import json
import os
from urllib.parse import unquote_plus

import boto3

table = boto3.client("dynamodb")
queue = boto3.client("sqs")


def handler(event, context):
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])  # S3 sends the key url-encoded
        size = record["s3"]["object"]["size"]
        table.put_item(TableName=os.environ["TABLE"], Item={"key": {"S": key}, "size": {"N": str(size)}})
        queue.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps({"key": key, "size": size}))
        print(f"recorded {key} ({size} bytes) and queued its job")
