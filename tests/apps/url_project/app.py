import json


def handler(event, context):
    if (event.get("queryStringParameters") or {}).get("fail"):
        raise ValueError("asked to fail")
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}
