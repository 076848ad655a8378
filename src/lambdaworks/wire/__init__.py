"""How HTTP and Lambda meet: one module per front, each the one place its wire format lives.

A front turns a client's request into the event Lambda hands the function, and the function's
result back into the client's response, with the checks AWS makes on the way:

    rest          API Gateway REST APIs (payload 1.0)
    http_api      HTTP APIs: payload 2.0, and payload 1.0 (REST's shape, ``version: "1.0"``)
    function_url  Lambda Function URLs (payload 2.0 on a ``lambda-url`` domain)
    alb           Application Load Balancer targets (single- or multi-value headers)
    results       a proxy result -> status, headers and body, or the gateway's 502
    records       the non-HTTP events (S3, SQS, SNS, EventBridge, streams, logs)
    sources       the one vocabulary of source names, and the factory for each
    common        what the fronts share: header, query, body and cookie rules, AWS's constants

The emulator's gateway, the test client, ``lambdaworks call`` and the event factories of
:mod:`lambdaworks.testing` all use these modules; they import only the standard library and the
runtime adapter's helpers, so ``lambdaworks.testing`` stays light.
"""
