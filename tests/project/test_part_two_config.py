"""What the emulator's second part reads, from SAM and the native config alike: async settings
(``EventInvokeConfig``, ``DeadLetterQueue``), authorizers and CORS."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lambdaworks.project import ProjectError, load_project
from lambdaworks.project.model import AsyncConfig, Authorizer, Cors, Destination


def write(tmp_path: Path, name: str, body: str) -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / name).write_text(textwrap.dedent(body))
    return tmp_path


SAM = """
Resources:
  Work:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.work
      Runtime: python3.12
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        MaximumEventAgeInSeconds: 600
        DestinationConfig:
          OnSuccess: {Type: SQS, Destination: arn:aws:sqs:us-east-1:123456789012:done}
          OnFailure: {Type: Lambda, Destination: !GetAtt Failed.Arn}
      DeadLetterQueue: {Type: SNS, TargetArn: arn:aws:sns:us-east-1:123456789012:dlq}
  Failed:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Handler: app.failed, Runtime: python3.12}
"""

NATIVE = """
[functions.Work]
code = "src"
handler = "app.work"
retries = 1
max_event_age = 600
on_success = "arn:aws:sqs:us-east-1:123456789012:done"
on_failure = "Failed"
dead_letter = "arn:aws:sns:us-east-1:123456789012:dlq"

[functions.Failed]
code = "src"
handler = "app.failed"
"""


@pytest.mark.parametrize(("name", "body"), [("template.yaml", SAM), ("lambdaworks.toml", NATIVE)])
def test_async_config_loads(tmp_path: Path, name: str, body: str) -> None:
    project = load_project(write(tmp_path, name, body))
    config = project.functions["Work"].async_config
    assert config.max_retries == 1
    assert config.max_event_age == 600
    assert config.on_success == Destination("SQS", "arn:aws:sqs:us-east-1:123456789012:done")
    assert config.on_failure == Destination(
        "Lambda", "arn:aws:lambda:us-east-1:123456789012:function:Failed", function="Failed"
    )
    assert config.dead_letter == Destination("SNS", "arn:aws:sns:us-east-1:123456789012:dlq")
    assert project.functions["Failed"].async_config == AsyncConfig()
    assert not [w for w in project.warnings if "EventInvokeConfig" in w or "DeadLetterQueue" in w]


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "template.yaml",
            "Resources: {F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b,"
            " Runtime: python3.12, EventInvokeConfig: {MaximumRetryAttempts: 3}}}}",
            "MaximumRetryAttempts 3 is outside 0-2",
        ),
        (
            "template.yaml",
            "Resources: {F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b,"
            " Runtime: python3.12, EventInvokeConfig: {MaximumEventAgeInSeconds: 59}}}}",
            "MaximumEventAgeInSeconds 59 is outside 60-21600",
        ),
        ("lambdaworks.toml", '[functions.f]\nhandler = "a.b"\nretries = 5\n', "functions.f.retries: 5 is outside"),
        (
            "lambdaworks.toml",
            '[functions.f]\nhandler = "a.b"\non_failure = "nobody"\n',
            "functions.f.on_failure: 'nobody' is neither a function here nor an ARN",
        ),
    ],
)
def test_async_config_errors(tmp_path: Path, name: str, body: str, message: str) -> None:
    with pytest.raises(ProjectError, match=message):
        load_project(write(tmp_path, name, body))


AUTH_SAM = """
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: {AllowOrigins: [https://app.example], AllowMethods: [get], MaxAge: 60}
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt:
            JwtConfiguration: {issuer: "https://issuer.example", audience: [app]}
          Lambda:
            FunctionArn: !GetAtt Auth.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            Identity: {Headers: [X-User], ReauthorizeEvery: 30}
  Auth:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src, Handler: app.auth, Runtime: python3.12}
  Web:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.web
      Runtime: python3.12
      Events:
        A: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /a, Method: GET, Auth: {AuthorizationScopes: [read]}}}
        B: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /b, Method: GET, Auth: {Authorizer: Lambda}}}
        C: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /c, Method: GET, Auth: {Authorizer: NONE}}}
"""

AUTH_NATIVE = """
[apis.Api]
type = "http"
default_authorizer = "Jwt"
cors = { allow_origins = ["https://app.example"], allow_methods = ["get"], max_age = 60 }
authorizers.Jwt = { type = "jwt", issuer = "https://issuer.example", audience = ["app"] }
authorizers.Lambda = { function = "Auth", identity = ["$request.header.X-User"], ttl = 30, simple = true }

[functions.Auth]
code = "src"
handler = "app.auth"

[functions.Web]
code = "src"
handler = "app.web"
api = "Api"
routes = [
  { route = "GET /a", scopes = ["read"] },
  { route = "GET /b", auth = "Lambda" },
  { route = "GET /c", auth = "NONE" },
]
"""


@pytest.mark.parametrize(("name", "body"), [("template.yaml", AUTH_SAM), ("lambdaworks.toml", AUTH_NATIVE)])
def test_authorizers_and_cors_load(tmp_path: Path, name: str, body: str) -> None:
    project = load_project(write(tmp_path, name, body))
    api = project.apis["Api"]
    assert api.default_authorizer == "Jwt"
    assert api.cors == Cors(allow_origins=("https://app.example",), allow_methods=("GET",), max_age=60)
    assert api.authorizers["Jwt"] == Authorizer(
        "Jwt", "jwt", identity=(("header", "Authorization"),), issuer="https://issuer.example", audience=("app",)
    )
    assert api.authorizers["Lambda"] == Authorizer(
        "Lambda",
        "request",
        function="Auth",
        identity=(("header", "X-User"),),
        ttl=30,
        payload_version="2.0",
        simple_responses=True,
    )
    assert [(r.path, r.authorizer, r.scopes) for r in project.routes] == [
        ("/a", "Jwt", ("read",)),
        ("/b", "Lambda", ()),
        ("/c", None, ()),
    ]
