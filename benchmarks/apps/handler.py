"""Hello-world JSON as a plain Lambda handler (the same file for lambdaworks and serverless-offline)."""

import json


def lambda_handler(event: dict, context: object) -> dict:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": "hello"}),
    }
