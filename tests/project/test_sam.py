"""Loading SAM templates: short tags, intrinsics, Globals, parameters, routes and warnings."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from lambdaworks.project import Api, EventSource, Function, Route, TemplateError, load_project
from lambdaworks.project.intrinsics import Resolver
from lambdaworks.project.model import Authorizer, Cors, FunctionUrl, Schedule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sam-app"


def write(tmp_path: Path, body: str, folders: tuple[str, ...] = ("src",)) -> Path:
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "template.yaml").write_text(textwrap.dedent(body))
    return tmp_path


def test_example_project_loads_as_documented() -> None:
    project = load_project(EXAMPLE)
    layer = (EXAMPLE / "layers" / "common").resolve()
    env = {"STAGE": "dev", "TABLE_NAME": "lambdaworks-local-items-dev"}
    assert dict(project.functions) == {
        "FlaskFunction": Function(
            name="FlaskFunction",
            handler="app.handler",
            runtime="python3.12",
            code_uri=(EXAMPLE / "flask_api").resolve(),
            timeout=10.0,
            memory_size=512,
            environment=env,
            layers=(layer,),
        ),
        "FastApiFunction": Function(
            name="FastApiFunction",
            handler="main.handler",
            runtime="python3.12",
            code_uri=(EXAMPLE / "fastapi_api").resolve(),
            timeout=10.0,
            memory_size=256,
            environment=env,
            layers=(layer,),
            reserved_concurrency=4,
        ),
        "HelloFunction": Function(
            name="HelloFunction",
            handler="handler.lambda_handler",
            runtime="python3.12",
            code_uri=(EXAMPLE / "hello").resolve(),
            timeout=3.0,
            memory_size=256,
            environment={**env, "GREETING": "Hello"},
            layers=(layer,),
            events=(EventSource(name="Nightly", kind="Schedule", properties={"Schedule": "cron(0 3 * * ? *)"}),),
        ),
    }
    assert dict(project.apis) == {
        "ItemsApi": Api(name="ItemsApi", kind="http", stage="$default"),
        "ServerlessRestApi": Api(name="ServerlessRestApi", kind="rest", stage="Prod", binary_media_types=("*/*",)),
    }
    assert project.routes == (
        Route("GET", "/", "FlaskFunction", "ServerlessRestApi", "rest", "1.0"),
        Route("ANY", "/{proxy+}", "FlaskFunction", "ServerlessRestApi", "rest", "1.0"),
        Route("GET", "/items/{item_id}", "FastApiFunction", "ItemsApi", "http", "2.0"),
        Route("POST", "/items", "FastApiFunction", "ItemsApi", "http", "2.0"),
        Route("GET", "/hello", "HelloFunction", "ItemsApi", "http", "2.0"),
    )
    assert project.warnings == ()
    assert project.schedules == (
        Schedule("Nightly", "HelloFunction", "cron(0 3 * * ? *)", rule="HelloFunctionNightly"),
    )


def test_parameter_overrides_flow_through_conditions_and_sub() -> None:
    project = load_project(EXAMPLE, overrides={"Stage": "prod", "Greeting": "Howdy"})
    flask = project.functions["FlaskFunction"]
    assert flask.memory_size == 1024  # !If [IsProd, 1024, 512]
    assert flask.environment["TABLE_NAME"] == "lambdaworks-local-items-prod"
    assert project.functions["HelloFunction"].environment["GREETING"] == "Howdy"


def test_bad_overrides_are_clear_errors() -> None:
    with pytest.raises(TemplateError, match="undeclared parameters: Nope"):
        load_project(EXAMPLE, overrides={"Nope": "1"})
    with pytest.raises(TemplateError, match=r"parameter Stage='qa' is not one of \['dev', 'prod'\]"):
        load_project(EXAMPLE, overrides={"Stage": "qa"})


def test_parameter_without_default_needs_an_override(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        Parameters:
          Secret: {Type: String}
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12, Environment: {Variables: {S: !Ref Secret}}}
    """,
    )
    with pytest.raises(
        TemplateError, match=r"parameter Secret has no Default: pass --parameter-overrides Secret=\.\.\."
    ):
        load_project(tmp_path)
    assert load_project(tmp_path, overrides={"Secret": "x"}).functions["Fn"].environment == {"S": "x"}


def test_every_short_tag_parses_and_resolves(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        Parameters:
          Env: {Type: String, Default: dev}
          Names: {Type: CommaDelimitedList, Default: "a,b,c"}
        Mappings:
          Sizes:
            dev: {memory: 256}
        Conditions:
          IsDev: !Equals [!Ref Env, dev]
          NotDev: !Not [!Condition IsDev]
          Both: !And [!Condition IsDev, !Equals [1, 1]]
          Either: !Or [!Condition NotDev, !Condition Both]
        Resources:
          Queue: {Type: AWS::SQS::Queue}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Handler: app.handler
              Runtime: python3.12
              MemorySize: !FindInMap [Sizes, !Ref Env, memory]
              Timeout: !If [Either, 7, 1]
              Environment:
                Variables:
                  SUB: !Sub "${AWS::Region}/${Env}/${Queue.Arn}/${!Literal}"
                  SUB_LIST: !Sub ["${A}-${Env}", {A: !Select [1, !Ref Names]}]
                  JOIN: !Join ["+", [!Ref Env, !GetAtt Fn.Arn]]
                  SPLIT: !Select [2, !Split [",", "x,y,z"]]
                  B64: !Base64 hi
                  GONE: !If [NotDev, "yes", !Ref AWS::NoValue]
                  PARTITION: !Sub "arn:${AWS::Partition}:s3:::bucket"
    """,
    )
    function = load_project(tmp_path).functions["Fn"]
    assert (function.memory_size, function.timeout) == (256, 7.0)
    # a queue without QueueName is named as CloudFormation names it: {stack}-{LogicalId}-{SUFFIX}
    assert re.fullmatch(
        r"us-east-1/dev/arn:aws:sqs:us-east-1:123456789012:lambdaworks-local-Queue-[0-9A-F]{12}/\$\{Literal\}",
        function.environment["SUB"],
    )
    assert {k: v for k, v in function.environment.items() if k != "SUB"} == {
        "SUB_LIST": "b-dev",
        "JOIN": "dev+arn:aws:lambda:us-east-1:123456789012:function:Fn",
        "SPLIT": "z",
        "B64": "aGk=",
        "PARTITION": "arn:aws:s3:::bucket",
    }


def test_globals_merge_maps_append_lists_replace_scalars(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        Globals:
          Function:
            Runtime: python3.11
            Timeout: 5
            Environment: {Variables: {A: "1", B: "2"}}
            Layers: [LayerOne]
        Resources:
          LayerOne: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: l1}}
          LayerTwo: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: l2}}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Handler: app.handler
              Timeout: 9
              Environment: {Variables: {B: "3", C: "4"}}
              Layers: [LayerTwo]
    """,
        folders=("src", "l1", "l2"),
    )
    function = load_project(tmp_path).functions["Fn"]
    assert (function.runtime, function.timeout) == ("python3.11", 9.0)
    assert dict(function.environment) == {"A": "1", "B": "3", "C": "4"}
    assert function.layers == ((tmp_path / "l1").resolve(), (tmp_path / "l2").resolve())


def test_unsupported_features_warn_loudly(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: v1
              BinaryMediaTypes: ["image~1png"]
              Auth:
                DefaultAuthorizer: Pool
                ApiKeyRequired: true
                Authorizers: {Pool: {UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/x"}}
              Cors: "'*'"
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src
              Handler: app.handler
              Runtime: python3.12
              FileSystemConfigs: [{Arn: x, LocalMountPath: /mnt/x}]
              Layers: ["arn:aws:lambda:us-east-1:123456789012:layer:remote:3"]
              Events:
                Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /x, Method: get, Auth: {Authorizer: NONE}}}
                Queue: {Type: SQS, Properties: {Queue: arn:aws:sqs:us-east-1:123456789012:q}}
          Machine: {Type: AWS::Serverless::StateMachine}
    """,
    )
    project = load_project(tmp_path)
    assert project.apis["Api"] == Api(
        name="Api",
        kind="rest",
        stage="v1",
        binary_media_types=("image/png",),  # SAM writes / as ~1
        authorizers={"Pool": Authorizer("Pool", "cognito")},
        default_authorizer="Pool",
        cors=Cors(allow_origins=("*",)),
    )
    assert project.routes == (Route("GET", "/x", "Fn", "Api", "rest", "1.0"),)  # Auth: {Authorizer: NONE}
    assert set(project.warnings) == {
        "Api: Auth.ApiKeyRequired: API keys are not checked locally",
        "Api: authorizer Pool: Cognito user pool authorizers are not emulated; its routes answer 401",
        "Fn: property FileSystemConfigs is not emulated locally",
        "Fn: layer arn:aws:lambda:us-east-1:123456789012:layer:remote:3 is not in this template (a published ARN?); "
        "skipped locally",
        "Fn.Queue: SQS event: Queue arn:aws:sqs:us-east-1:123456789012:q is not declared in this template, so "
        "nothing triggers it locally (declare it, or invoke the function with lambdaworks invoke)",
        "Machine: AWS::Serverless::StateMachine is not emulated locally",
    }


def test_conditional_function_is_left_out(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        Parameters: {Env: {Type: String, Default: dev}}
        Conditions: {IsProd: !Equals [!Ref Env, prod]}
        Resources:
          ProdOnly:
            Type: AWS::Serverless::Function
            Condition: IsProd
            Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12}
    """,
    )
    assert dict(load_project(tmp_path).functions) == {}
    assert list(load_project(tmp_path, overrides={"Env": "prod"}).functions) == ["ProdOnly"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Runtime: python3.12}}}",
            "Handler and Runtime are required",
        ),
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: nope, Handler: a.b, Runtime: python3.12}}}",
            "CodeUri nope is not a folder",
        ),
        # Lambda's limits, checked in the model for SAM and native config alike (the Lambda quotas page)
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12,"
            " Timeout: 9000}}}",
            "resource Fn: Timeout 9000 is outside Lambda's 1-900 seconds",
        ),
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12,"
            " MemorySize: 64}}}",
            "resource Fn: MemorySize 64 is outside Lambda's 128-10240 MB",
        ),
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12,"
            " EphemeralStorage: {Size: 20480}}}}",
            "resource Fn: EphemeralStorage.Size 20480 is outside Lambda's 512-10240 MB",
        ),
        ("Resources: {Api: {Type: AWS::Serverless::Api, Properties: {}}}", "StageName is required"),
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12,"
            " Events: {E: {Type: HttpApi, Properties: {ApiId: Missing}}}}}}",
            "names API Missing",
        ),
        (
            "Resources: {Fn: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12,"
            " Events: {E: {Type: Api, Properties: {Path: /x, Method: GET, TimeoutInMillis: 29001}}}}}}",
            "event E: TimeoutInMillis 29001 is outside API Gateway's 50-29000 ms",
        ),
        ("Outputs: {}", "no Resources section"),
        ("Resources: [unclosed", "cannot parse"),
    ],
)
def test_malformed_templates_name_the_problem(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path, body)
    with pytest.raises(TemplateError, match=message):
        load_project(tmp_path)


def test_resolver_warns_on_unknown_refs() -> None:
    warnings: list[str] = []
    resolver = Resolver(parameters={}, resources={}, warn=warnings.append)
    assert resolver.resolve({"Ref": "Ghost"}, "X") is None
    assert resolver.resolve({"Fn::ImportValue": "shared"}, "Y") is None
    assert warnings == [
        "X: !Ref Ghost names no parameter or resource; using None",
        "Y: Fn::ImportValue cannot be resolved locally; using None",
    ]


def test_functions_the_emulator_cannot_run_load_with_one_warning_each() -> None:
    """A Node function and a container image load (the rest of the project serves); each is named once."""
    project = load_project(ROOT / "tests" / "apps" / "mixed_project")
    reasons = {name: function.unsupported for name, function in project.functions.items()}
    assert reasons == {
        "PyFunction": None,
        "NodeFunction": "the nodejs20.x runtime is not one lambdaworks runs (python3.x, or provided with a bootstrap)",
        "ImageFunction": "a container image (PackageType: Image) needs a container runtime",
    }
    assert project.functions["ImageFunction"].package_type == "Image"
    assert [w.split(":")[0] for w in project.warnings] == ["NodeFunction", "ImageFunction"]


def test_function_url_config_loads_auth_cors_and_a_warning_for_iam() -> None:
    project = load_project(ROOT / "tests" / "apps" / "url_project")
    public, private = project.functions["Public"].url, project.functions["Private"].url
    assert public == FunctionUrl(
        auth_type="NONE",
        cors=Cors(allow_origins=("https://app.example",), allow_methods=("GET", "POST"), max_age=300),
    )
    assert private == FunctionUrl(auth_type="AWS_IAM")
    assert any("Private: its Function URL (AuthType AWS_IAM)" in w for w in project.warnings)
