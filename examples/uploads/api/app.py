"""GET /upload-url?key=NAME[&method=post]: where to upload NAME, straight to the bucket."""

import json
import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    query = event.get("queryStringParameters") or {}
    key = query.get("key") or "upload.bin"
    if query.get("method") == "post":  # an HTML form's upload: a URL and the fields to send with the file
        post = s3.generate_presigned_post(os.environ["BUCKET"], key, ExpiresIn=3600)
        return {"statusCode": 200, "body": json.dumps({"url": post["url"], "fields": post["fields"]})}
    url = s3.generate_presigned_url("put_object", Params={"Bucket": os.environ["BUCKET"], "Key": key}, ExpiresIn=3600)
    return {"statusCode": 200, "body": json.dumps({"url": url})}
