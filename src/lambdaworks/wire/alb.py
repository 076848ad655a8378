"""Application Load Balancer targets: single- or multi-value headers, the query passed through encoded."""

from __future__ import annotations

from typing import Any

from lambdaworks.runtime.types import find_header
from lambdaworks.wire.common import (
    ACCOUNT,
    REGION,
    SOURCE_IP,
    USER_AGENT,
    BodyIn,
    CookiesIn,
    HeadersIn,
    QueryIn,
    body_field,
    cookie_list,
    encode_query,
    header_pairs,
    split_path,
)


def alb_event(
    method: str = "GET",
    path: str = "/",
    *,
    query: QueryIn = None,
    headers: HeadersIn = None,
    body: BodyIn = None,
    cookies: CookiesIn = None,
    multi_value: bool = False,
    binary: bool | None = None,
    source_ip: str = SOURCE_IP,
    domain: str = "lambda-alb-123578498.us-east-1.elb.amazonaws.com",
) -> dict[str, Any]:
    """An ALB target event; ``multi_value=True`` when the target group enables multi-value headers."""
    path, query = split_path(path, query)
    pairs = [
        ("host", domain),
        ("user-agent", USER_AGENT),
        ("x-forwarded-for", source_ip),
        ("x-forwarded-port", "80"),
        ("x-forwarded-proto", "http"),
    ]
    given = [(k.lower(), v) for k, v in header_pairs(headers)]
    given_names = {k for k, _ in given}
    pairs = [p for p in pairs if p[0] not in given_names] + given
    cookie_values = cookie_list(cookies)
    if cookie_values:
        pairs.append(("cookie", "; ".join(cookie_values)))
    raw_query = encode_query(query) if query is not None else ""
    encoded_pairs: list[tuple[str, str]] = []
    for part in filter(None, raw_query.split("&")):
        key, _, value = part.partition("=")
        encoded_pairs.append((key, value))
    body_text, is_b64 = body_field(body, find_header(pairs, "content-type"), binary)
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/lambda-target/0123456789abcdef"
                )
            }
        },
        "httpMethod": method.upper(),
        "path": path,
    }
    if multi_value:
        mq: dict[str, list[str]] = {}
        for key, value in encoded_pairs:
            mq.setdefault(key, []).append(value)
        mh: dict[str, list[str]] = {}
        for key, value in pairs:
            mh.setdefault(key, []).append(value)
        event["multiValueQueryStringParameters"] = mq
        event["multiValueHeaders"] = mh
    else:
        event["queryStringParameters"] = dict(encoded_pairs)
        event["headers"] = dict(pairs)
    event["body"] = body_text if body_text is not None else ""
    event["isBase64Encoded"] = is_b64
    return event
