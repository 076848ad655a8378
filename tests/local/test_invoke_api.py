"""The Lambda Invoke API with real boto3 against a live emulator: results, errors, limits, logs."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.local.conftest import LiveEmulator


def invoke(client: Any, name: str, payload: Any = None, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}), **kwargs)
    return response, json.loads(response["Payload"].read() or b"null")


def test_sync_invoke_warm_reuse_and_context(lambda_api: Any, emulator: LiveEmulator) -> None:
    first, body1 = invoke(lambda_api, "Echo", {"n": 1})
    second, body2 = invoke(lambda_api, "Echo", {"n": 2})
    assert first["StatusCode"] == second["StatusCode"] == 200
    assert "FunctionError" not in first
    one, two = json.loads(body1["body"]), json.loads(body2["body"])
    assert one["event"] == {"n": 1}
    assert two["pid"] == one["pid"]  # the same warm environment
    assert two["calls"] == one["calls"] + 1  # init ran once
    assert one["greeting"] == "hi"
    assert one["function"] == "Echo"
    assert 4000 < one["remaining_ms"] <= 5000  # Timeout: 5
    assert one["task_root"].endswith("sam_project/fns")
    assert one["trace_id"].startswith("Root=1-")  # X-Ray's trace id, new for each invocation
    assert one["trace_id"] != two["trace_id"]
    if one["sockets"] is not None and emulator.fast_lane:  # our bootstrap takes the lane, not loopback TCP
        assert "AF_INET" not in one["sockets"]
        assert "AF_UNIX" in one["sockets"]
    elif one["sockets"] is not None:  # the lane turned off: the Runtime API on loopback TCP
        assert one["sockets"] == ["AF_INET"]


def test_function_arn_works_as_name(lambda_api: Any) -> None:
    response, _ = invoke(lambda_api, "arn:aws:lambda:us-east-1:123456789012:function:Echo")
    assert response["StatusCode"] == 200


def test_tail_logs(lambda_api: Any) -> None:
    response, body = invoke(lambda_api, "Echo", LogType="Tail")
    logs = base64.b64decode(response["LogResult"]).decode()
    request_id = json.loads(body["body"])["request_id"]
    assert f"START RequestId: {request_id} Version: $LATEST" in logs
    assert "echo call" in logs
    assert f"END RequestId: {request_id}" in logs
    assert f"REPORT RequestId: {request_id}\tDuration: " in logs
    assert "Memory Size: 128 MB" in logs


def test_unhandled_error_shape(lambda_api: Any) -> None:
    response, body = invoke(lambda_api, "Results", {"pathParameters": {"kind": "raise"}})
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "results were asked to fail"
    assert any("fns.py" in frame for frame in body["stackTrace"])


def test_error_classes_raised_by_boto3(lambda_api: Any) -> None:
    with pytest.raises(lambda_api.exceptions.ResourceNotFoundException, match="function:Missing"):
        lambda_api.invoke(FunctionName="Missing")
    with pytest.raises(lambda_api.exceptions.InvalidRequestContentException, match="Could not parse request body"):
        lambda_api.invoke(FunctionName="Echo", Payload=b"{not json")
    # AWS sends the code RequestEntityTooLargeException (recorded), which botocore's model does not
    # name, so boto3 raises a plain ClientError with that code
    for kind, size in (("RequestResponse", 6 * 1024 * 1024), ("Event", 1024 * 1024)):
        with pytest.raises(ClientError) as caught:
            lambda_api.invoke(FunctionName="Echo", InvocationType=kind, Payload=json.dumps("x" * (size + 10)))
        assert caught.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413


def test_names_and_payloads_are_checked_as_aws_checks_them(lambda_api: Any) -> None:
    with pytest.raises(lambda_api.exceptions.ResourceNotFoundException) as missing:
        lambda_api.invoke(FunctionName="Missing")
    assert missing.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Missing:$LATEST"
    )
    # the pattern is Invoke's FunctionName constraint in AWS's API model (botocore's service-2.json)
    pattern = (
        lambda_api.meta.service_model.operation_model("Invoke").input_shape.members["FunctionName"].metadata["pattern"]
    )
    with pytest.raises(ClientError) as invalid:
        lambda_api.invoke(FunctionName="my-function!")
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert invalid.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'my-function!' at 'functionName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )
    with pytest.raises(lambda_api.exceptions.InvalidRequestContentException) as not_utf8:
        lambda_api.invoke(FunctionName="Echo", Payload=b'"\xff\xfe"'.decode("unicode_escape").encode("latin-1"))
    assert not_utf8.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json: Could not parse payload into json: "
    )
    with pytest.raises(lambda_api.exceptions.InvalidRequestContentException):  # not an internal error
        lambda_api.invoke(FunctionName="Echo", Payload=b"[" * 100_000 + b"]" * 100_000)


def test_a_result_over_6_mb_is_a_function_error_naming_its_size(lambda_api: Any) -> None:
    """As AWS's Runtime Interface Emulator states it (aws/aws-lambda-runtime-interface-emulator)."""
    response = lambda_api.invoke(FunctionName="Results", Payload=json.dumps({"pathParameters": {"kind": "huge"}}))
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Payload"].read())
    size = len(json.dumps({"data": "x" * 6_300_000}).encode())
    assert error == {
        "errorMessage": f"Response payload size ({size} bytes) exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    again = lambda_api.invoke(FunctionName="Results", Payload=json.dumps({"pathParameters": {"kind": "bare-json"}}))
    assert json.loads(again["Payload"].read()) == {"hello": "world"}  # the environment serves on


def test_dry_run_and_event(emulator: LiveEmulator, lambda_api: Any) -> None:
    assert lambda_api.invoke(FunctionName="Echo", InvocationType="DryRun")["StatusCode"] == 204
    mark = len(emulator.lines)
    assert (
        lambda_api.invoke(FunctionName="Crashy", InvocationType="Event", Payload=b'{"async": 1}')["StatusCode"] == 202
    )
    emulator.wait_for("[Crashy] REPORT RequestId", after=mark)


def test_timeout_kills_the_environment_and_the_next_call_gets_a_new_one(
    emulator: LiveEmulator, lambda_api: Any
) -> None:
    _, warm = invoke(lambda_api, "Sleepy", {"seconds": 0})
    started = time.monotonic()
    response, body = invoke(lambda_api, "Sleepy", {"seconds": 3})
    assert time.monotonic() - started < 2.5  # Timeout: 1, not the 3 s the function wanted
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert body["errorMessage"].startswith("RequestId: ")
    _, after = invoke(lambda_api, "Sleepy", {"seconds": 0})
    assert after["pid"] != warm["pid"]


@pytest.mark.parametrize(
    ("event", "reason"),
    [({"crash": True}, "exit status 3"), ({"segfault": True}, "signal: segmentation fault")],
)
def test_crash_returns_exit_error_and_service_continues(lambda_api: Any, event: dict[str, Any], reason: str) -> None:
    _, before = invoke(lambda_api, "Crashy")
    response, body = invoke(lambda_api, "Crashy", event)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith(f"Error: Runtime exited with error: {reason}")
    _, after = invoke(lambda_api, "Crashy")
    assert after["pid"] != before["pid"]


def test_memory_over_the_limit_is_killed(lambda_api: Any) -> None:
    _, small = invoke(lambda_api, "Hungry", {"mb": 8})
    assert small["allocated"] == 8
    response, body = invoke(lambda_api, "Hungry", {"mb": 400})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")
    _, again = invoke(lambda_api, "Hungry", {"mb": 8})
    assert again["pid"] != small["pid"]
    # held by a child process: the whole environment counts, and the whole environment goes
    response, body = invoke(lambda_api, "Hungry", {"child_mb": 300})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: signal: killed")


def test_init_error(lambda_api: Any) -> None:
    for _ in range(2):  # and again: a fresh environment fails the same way
        response, body = invoke(lambda_api, "BrokenInit")
        assert response["FunctionError"] == "Unhandled"
        assert body["errorType"] == "RuntimeError"
        assert body["errorMessage"] == "cannot connect to the database at import time"
        assert body["requestId"] == ""  # an import error belongs to no request (python3.13 on AWS, recorded)


def test_concurrency_limit_throttles_with_429(lambda_api: Any, emulator: LiveEmulator) -> None:
    invoke(lambda_api, "Single", {"seconds": 0})  # warm
    slow = threading.Thread(target=invoke, args=(emulator.lambda_client(), "Single", {"seconds": 1.5}))
    slow.start()
    time.sleep(0.4)
    with pytest.raises(lambda_api.exceptions.TooManyRequestsException) as info:
        lambda_api.invoke(FunctionName="Single", Payload=b"{}")
    assert info.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    slow.join()
    assert invoke(lambda_api, "Single", {"seconds": 0})[0]["StatusCode"] == 200


def test_provided_runtime_bootstrap_executable(lambda_api: Any) -> None:
    _, body = invoke(lambda_api, "Custom", {"say": "hello"})
    assert body == {"SAY": "HELLO"}


def test_awslambdaric_runs_unchanged(lambda_api: Any) -> None:
    """AWS's runtime interface client speaks to the emulator's Runtime API with no help from us."""
    pytest.importorskip("awslambdaric")
    response, body = invoke(lambda_api, "Ric", {"hello": "ric"}, LogType="Tail")
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert body["event"] == {"hello": "ric"}
    assert body["function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:Ric"
    assert 4000 < body["remaining_ms"] <= 5000
    assert body["memory"] == "128"
    logs = base64.b64decode(response["LogResult"]).decode()
    assert "hello from awslambdaric" in logs
    assert f"END RequestId: {body['request_id']}" in logs
    _, again = invoke(lambda_api, "Ric")
    assert again["pid"] == body["pid"]  # warm


EXPECTED_TYPES = {
    "Fails": "ValueError",
    "BrokenInit": "ConnectionError",
    "Missing": "Runtime.ImportModuleError",
    "NeedsDependency": "Runtime.ImportModuleError",
    "NoHandler": "Runtime.HandlerNotFound",
    "Syntax": "Runtime.UserCodeSyntaxError",
    "Marshal": "Runtime.MarshalError",
    "Malformed": "Runtime.MalformedHandlerName",
}


AT_INVOKE = {"Fails", "Marshal"}  # the others fail while the handler is imported (init)


@pytest.mark.parametrize("case", sorted(EXPECTED_TYPES))
def test_our_bootstrap_reports_errors_exactly_as_awslambdaric(lambda_api: Any, case: str) -> None:
    """Handler errors, import-time failures, bad handlers, bad results: one payload from both clients."""
    pytest.importorskip("awslambdaric")
    ric_response, ric = invoke(lambda_api, f"Ric{case}")
    our_response, ours = invoke(lambda_api, f"Py{case}")
    assert ric_response["FunctionError"] == our_response["FunctionError"] == "Unhandled"
    assert ours["errorType"] == EXPECTED_TYPES[case]
    if case in AT_INVOKE:
        assert ours["requestId"] == our_response["ResponseMetadata"]["RequestId"]
        assert ric["requestId"] == ric_response["ResponseMetadata"]["RequestId"]
        ric["requestId"] = ours["requestId"]
    else:  # an error during init belongs to no request (python3.13 on AWS, recorded)
        assert ours["requestId"] == ric["requestId"] == ""
    assert ours == ric


def test_results_encode_as_awslambdaric_encodes_them(lambda_api: Any) -> None:
    """Decimals (DynamoDB numbers) are JSON numbers; python3.12+ keeps non-ASCII text unescaped."""
    pytest.importorskip("awslambdaric")
    ric = lambda_api.invoke(FunctionName="RicDecimals", Payload=b"{}")["Payload"].read()
    ours = lambda_api.invoke(FunctionName="PyDecimals", Payload=b"{}")["Payload"].read()
    assert json.loads(ours) == json.loads(ric) == {"count": 3, "price": 9.5, "text": "naïve", "raw": None}
    assert "naïve".encode() in ours
