"""Project -> SAM -> CloudFormation, compared as whole documents, translated for every partition and linted."""

from __future__ import annotations

import copy
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

import lambdaworks
from lambdaworks.build import Options, build
from lambdaworks.build.artifacts import BuildResult
from lambdaworks.deploy.artifacts import key_of, locations
from lambdaworks.deploy.cloudformation import partition_aware, to_cloudformation
from lambdaworks.deploy.errors import DeployError
from lambdaworks.deploy.lint import errors, lint
from lambdaworks.deploy.names import pascal
from lambdaworks.deploy.native import Settings, sam_template
from lambdaworks.deploy.openapi import openapi
from lambdaworks.deploy.package import Target, prepare
from lambdaworks.project import ConfigError, Project, load_project
from lambdaworks.project.samconfig import read_samconfig
from lambdaworks.project.yaml_loader import load_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUCKET = "deploy-bucket"
REGIONS = ["us-east-1", "cn-north-1", "us-gov-west-1"]

MINIMAL = """\
[functions.hello]
code = "hello"
handler = "app.handler"
routes = ["GET /hello"]
"""

FULL = """\
[parameters]
Stage = "dev"
ApiKey = { secret = "shop/api:key", local = "dev-key" }
Region = { ssm = "/shop/region" }

[layers]
common = "common"

[apis.rest]
stage_variables = { tier = "gold" }
cors = { allow_origins = ["https://shop.example.com"], allow_methods = ["GET", "POST"], max_age = 600 }
domain = { name = "api.shop.example.com", base_path = "v1", zone_id = "Z0123456789" }
authorizers = { gate = { type = "token", function = "auth", ttl = 60 } }

[functions.shop]
code = "hello"
handler = "app.handler"
memory = 1024
timeout = 20
architecture = "arm64"
concurrency = 5
layers = ["common"]
api = "rest"
routes = [{ route = "ANY /{proxy+}", auth = "gate" }, "GET /"]
env = { STAGE = "${Stage}", API_KEY = "${ApiKey}", REGION_NAME = "in-${Region}", TABLE = "${AWS::StackName}-items" }
policies = [{ DynamoDBCrudPolicy = { TableName = "items" } }, "AmazonS3ReadOnlyAccess"]
retries = 1
max_event_age = 600
on_failure = "audit"
dead_letter = "arn:aws:sqs:us-east-1:123456789012:shop-dlq"

[functions.auth]
code = "hello"
handler = "app.authorize"

[functions.audit]
code = "hello"
handler = "app.audit"
schedules = { Nightly = "cron(0 3 * * ? *)" }
"""


def project_of(root: Path, config: str) -> Project:
    (root / "hello").mkdir(parents=True, exist_ok=True)
    (root / "common" / "python").mkdir(parents=True, exist_ok=True)
    (root / "hello" / "app.py").write_text("def handler(event, context):\n    return 'hi'\n")
    (root / "common" / "python" / "shared.py").write_text("VALUE = 1\n")
    (root / "lambdaworks.toml").write_text(textwrap.dedent(config))
    return load_project(root)


def built(project: Project) -> tuple[BuildResult, dict[str, Any]]:
    result = build(project, Options(cache_dir=project.root / ".cache"))
    return result, locations({n: a.sha256 for n, a in result.artifacts.items()}, BUCKET)


def uri(result: BuildResult, name: str) -> str:
    return f"s3://{BUCKET}/{result.artifacts[name].sha256}.zip"


def test_a_minimal_function_becomes_this_whole_sam_template(tmp_path: Path) -> None:
    project = project_of(tmp_path / "tiny", MINIMAL)
    result, located = built(project)
    assert sam_template(project, result, located) == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": f"tiny: deployed by lambdaworks {lambdaworks.__version__}",
        "Resources": {
            "HttpApi": {
                "Type": "AWS::Serverless::HttpApi",
                "Properties": {"StageName": "$default", "Name": {"Fn::Sub": "${AWS::StackName}-http"}},
            },
            "HelloFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": uri(result, "code-hello.zip"),
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "Architectures": ["x86_64"],
                    "MemorySize": 128,
                    "Timeout": 3,
                    "Policies": [],
                    "Events": {
                        "GetHello": {
                            "Type": "HttpApi",
                            "Properties": {
                                "Path": "/hello",
                                "Method": "GET",
                                "ApiId": {"Ref": "HttpApi"},
                                "PayloadFormatVersion": "2.0",
                            },
                        }
                    },
                },
            },
        },
        "Outputs": {
            "HttpApiUrl": {
                "Description": "http: the HTTP API's URL",
                "Value": {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"},
            },
            "HelloFunctionArn": {
                "Description": "hello: the function's ARN",
                "Value": {"Fn::GetAtt": ["HelloFunction", "Arn"]},
            },
        },
    }


def test_a_full_config_becomes_this_whole_sam_template(tmp_path: Path) -> None:
    project = project_of(tmp_path / "shop", FULL)
    result, located = built(project)
    warnings: list[str] = []
    template = sam_template(project, result, located, Settings(region="eu-west-1"), warnings.append)
    # one package per target: arm64 for shop, x86_64 shared by auth and audit
    assert set(result.artifacts) == {"code-hello-arm64-py3.12.zip", "code-hello-x86_64-py3.12.zip", "layer-common.zip"}
    code = uri(result, "code-hello-x86_64-py3.12.zip")
    assert template["Parameters"] == {"Stage": {"Type": "String", "Default": "dev"}}  # stored ones are not parameters
    assert template["Resources"] == {
        "LayerCommon": {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "LayerName": {"Fn::Sub": "${AWS::StackName}-layer-common"},
                "Description": f"layer common (sha256 {result.artifacts['layer-common.zip'].sha256[:12]})",
                "ContentUri": uri(result, "layer-common.zip"),
                "CompatibleRuntimes": ["python3.12"],
                "CompatibleArchitectures": ["arm64"],
                "RetentionPolicy": "Delete",
            },
        },
        "RestApi": {
            "Type": "AWS::Serverless::Api",
            "Properties": {
                "StageName": "Prod",
                "Name": {"Fn::Sub": "${AWS::StackName}-rest"},
                "BinaryMediaTypes": ["*~1*"],
                "Variables": {"tier": "gold"},
                "Auth": {
                    "Authorizers": {
                        "gate": {
                            "FunctionArn": {"Fn::GetAtt": ["AuthFunction", "Arn"]},
                            "FunctionPayloadType": "TOKEN",
                            "Identity": {"ReauthorizeEvery": 60, "Header": "Authorization"},
                        }
                    }
                },
                "Cors": {
                    "AllowOrigin": "'https://shop.example.com'",
                    "AllowMethods": "'GET,POST'",
                    "MaxAge": "'600'",
                },
                "Domain": {
                    "DomainName": "api.shop.example.com",
                    "CertificateArn": {"Ref": "RestApiCertificate"},
                    "EndpointConfiguration": "REGIONAL",
                    "BasePath": ["v1"],
                    "Route53": {"HostedZoneId": "Z0123456789"},
                },
            },
        },
        "RestApiCertificate": {
            "Type": "AWS::CertificateManager::Certificate",
            "Properties": {
                "DomainName": "api.shop.example.com",
                "ValidationMethod": "DNS",
                "DomainValidationOptions": [{"DomainName": "api.shop.example.com", "HostedZoneId": "Z0123456789"}],
            },
        },
        "AuditFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": code,
                "Handler": "app.audit",
                "Runtime": "python3.12",
                "Architectures": ["x86_64"],
                "MemorySize": 128,
                "Timeout": 3,
                "Policies": [],
                "Events": {"Nightly": {"Type": "Schedule", "Properties": {"Schedule": "cron(0 3 * * ? *)"}}},
            },
        },
        "AuthFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": code,
                "Handler": "app.authorize",
                "Runtime": "python3.12",
                "Architectures": ["x86_64"],
                "MemorySize": 128,
                "Timeout": 3,
                "Policies": [],
            },
        },
        "ShopFunction": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": uri(result, "code-hello-arm64-py3.12.zip"),
                "Handler": "app.handler",
                "Runtime": "python3.12",
                "Architectures": ["arm64"],
                "MemorySize": 1024,
                "Timeout": 20,
                "Environment": {
                    "Variables": {
                        "API_KEY": "{{resolve:secretsmanager:shop/api:SecretString:key}}",
                        "REGION_NAME": "in-{{resolve:ssm:/shop/region}}",
                        "STAGE": {"Fn::Sub": "${Stage}"},
                        "TABLE": {"Fn::Sub": "${AWS::StackName}-items"},
                        "LAMBDAWORKS_BASE_PATH": "/v1",
                    }
                },
                "Layers": [{"Ref": "LayerCommon"}],
                "ReservedConcurrentExecutions": 5,
                "Policies": [{"DynamoDBCrudPolicy": {"TableName": "items"}}, "AmazonS3ReadOnlyAccess"],
                "EventInvokeConfig": {
                    "MaximumRetryAttempts": 1,
                    "MaximumEventAgeInSeconds": 600,
                    "DestinationConfig": {
                        "OnFailure": {"Type": "Lambda", "Destination": {"Fn::GetAtt": ["AuditFunction", "Arn"]}}
                    },
                },
                "DeadLetterQueue": {"Type": "SQS", "TargetArn": "arn:aws:sqs:us-east-1:123456789012:shop-dlq"},
                "Events": {
                    "AnyProxy": {
                        "Type": "Api",
                        "Properties": {
                            "Path": "/{proxy+}",
                            "Method": "ANY",
                            "RestApiId": {"Ref": "RestApi"},
                            "Auth": {"Authorizer": "gate"},
                        },
                    },
                    "Get": {
                        "Type": "Api",
                        "Properties": {"Path": "/", "Method": "GET", "RestApiId": {"Ref": "RestApi"}},
                    },
                },
            },
        },
    }
    assert template["Outputs"]["RestApiDomainUrl"] == {
        "Description": "rest: the custom domain's URL",
        "Value": "https://api.shop.example.com/v1/",
    }
    assert "dev-key" not in json.dumps(template)  # the local value of a secret never reaches the template
    assert warnings == []


@pytest.mark.parametrize("config", [MINIMAL, FULL], ids=["minimal", "full"])
@pytest.mark.parametrize("region", REGIONS)
def test_the_cloudformation_passes_cfn_lint_and_names_no_partition(tmp_path: Path, config: str, region: str) -> None:
    project = project_of(tmp_path / "app", config)
    result, located = built(project)
    cloudformation = to_cloudformation(sam_template(project, result, located, Settings(region=region)), region)
    text = json.dumps(cloudformation)
    assert "arn:aws" not in text.replace("arn:${AWS::Partition}:", "")
    assert errors(lint(cloudformation, region)) == []
    types = sorted({r["Type"] for r in cloudformation["Resources"].values()})
    assert "AWS::Serverless::Function" not in types
    assert "AWS::Lambda::Function" in types


def test_the_full_configs_cloudformation_has_its_domain_roles_and_binary_types(tmp_path: Path) -> None:
    project = project_of(tmp_path / "shop", FULL)
    result, located = built(project)
    cfn = to_cloudformation(sam_template(project, result, located, Settings(region="eu-west-1")), "eu-west-1")
    by_type: dict[str, dict[str, Any]] = {}
    for logical, resource in cfn["Resources"].items():
        by_type.setdefault(resource["Type"], {})[logical] = resource["Properties"]
    (domain,) = by_type["AWS::ApiGateway::DomainName"].values()
    assert domain["RegionalCertificateArn"] == {"Ref": "RestApiCertificate"}
    (mapping,) = by_type["AWS::ApiGateway::BasePathMapping"].values()
    assert mapping["BasePath"] == "v1"
    (records,) = by_type["AWS::Route53::RecordSetGroup"].values()
    assert records["HostedZoneId"] == "Z0123456789"
    (rest,) = by_type["AWS::ApiGateway::RestApi"].values()
    assert rest["BinaryMediaTypes"] == ["*~1*"]
    assert rest["Body"]["x-amazon-apigateway-binary-media-types"] == ["*/*"]
    roles = by_type["AWS::IAM::Role"]
    assert sorted(roles) == ["AuditFunctionRole", "AuthFunctionRole", "ShopFunctionRole"]
    basic = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
    assert roles["AuthFunctionRole"]["ManagedPolicyArns"] == [basic]
    assert "Policies" not in roles["AuthFunctionRole"]
    assert roles["ShopFunctionRole"]["ManagedPolicyArns"] == [
        basic,
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"},
    ]
    policies = {p["PolicyName"]: p["PolicyDocument"]["Statement"] for p in roles["ShopFunctionRole"]["Policies"]}
    # only what the config names: its policy template, its DLQ and its failure destination
    assert policies["DeadLetterQueuePolicy"] == [
        {
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:us-east-1:123456789012:shop-dlq"},
            "Effect": "Allow",
        }
    ]
    assert policies["ShopFunctionEventInvokeConfigOnFailureLambdaPolicy"] == [
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": {"Fn::GetAtt": ["AuditFunction", "Arn"]}}
    ]
    assert sorted(policies) == [
        "DeadLetterQueuePolicy",
        "ShopFunctionEventInvokeConfigOnFailureLambdaPolicy",
        "ShopFunctionRolePolicy0",
    ]
    (invoke,) = by_type["AWS::Lambda::EventInvokeConfig"].values()
    assert invoke["MaximumRetryAttempts"] == 1


def test_an_edge_domain_needs_a_us_east_1_certificate(tmp_path: Path) -> None:
    edge = FULL.replace('base_path = "v1"', 'base_path = "v1", endpoint = "edge"')
    project = project_of(tmp_path / "shop", edge)
    result, located = built(project)
    with pytest.raises(DeployError, match="edge-optimised domain needs its certificate in us-east-1"):
        sam_template(project, result, located, Settings(region="eu-west-1"))
    template = sam_template(project, result, located, Settings(region="us-east-1"))
    assert template["Resources"]["RestApi"]["Properties"]["Domain"]["EndpointConfiguration"] == "EDGE"
    elsewhere = 'certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc", endpoint = "edge"'
    with pytest.raises(ConfigError, match="edge-optimised domains need a certificate in us-east-1"):
        project_of(tmp_path / "other", FULL.replace('zone_id = "Z0123456789"', elsewhere))


def test_a_plain_text_secret_in_env_is_reported(tmp_path: Path) -> None:
    config = MINIMAL + 'env = { DB_PASSWORD = "hunter2", SECRET_NAME = "prod/db", TOKEN_TTL = "60" }\n'
    project = project_of(tmp_path / "app", config)
    result, located = built(project)
    warnings: list[str] = []
    sam_template(project, result, located, warn=warnings.append)
    assert len(warnings) == 1
    assert warnings[0].startswith("hello: env DB_PASSWORD holds a literal value that looks like a secret")


def test_stage_overrides_every_api_and_its_url(tmp_path: Path) -> None:
    project = project_of(tmp_path / "app", MINIMAL)
    result, located = built(project)
    template = sam_template(project, result, located, Settings(stage="prod"))
    assert template["Resources"]["HttpApi"]["Properties"]["StageName"] == "prod"
    assert template["Outputs"]["HttpApiUrl"]["Value"]["Fn::Sub"].endswith("${AWS::URLSuffix}/prod/")


def test_cfn_lint_reports_a_broken_template(tmp_path: Path) -> None:
    project = project_of(tmp_path / "app", MINIMAL)
    result, located = built(project)
    cfn = to_cloudformation(sam_template(project, result, located), "us-east-1")
    cfn["Resources"]["HelloFunction"]["Properties"]["MemorySize"] = 1
    cfn["Resources"]["HelloFunction"]["Properties"]["Runtime"] = "python2.7"
    found = errors(lint(cfn, "us-east-1"))
    paths = {p.path for p in found}
    assert "Resources/HelloFunction/Properties/MemorySize" in paths
    assert "Resources/HelloFunction/Properties/Runtime" in paths


def test_partition_aware_rewrites_literal_arns_and_sub_strings() -> None:
    assert partition_aware(
        {
            "A": "arn:aws-cn:s3:::bucket/${key}",
            "B": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"},
            "C": {"Fn::Sub": ["arn:aws-us-gov:lambda:${R}:fn", {"R": "arn:aws:x"}]},
            "D": ["not an arn", 3],
        }
    ) == {
        "A": {"Fn::Sub": "arn:${AWS::Partition}:s3:::bucket/${!key}"},
        "B": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"},
        "C": {"Fn::Sub": ["arn:${AWS::Partition}:lambda:${R}:fn", {"R": {"Fn::Sub": "arn:${AWS::Partition}:x"}}]},
        "D": ["not an arn", 3],
    }


# -- a SAM project's own template ----------------------------------------------------------------


def test_a_sam_project_keeps_its_template_with_code_pointed_at_s3(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "sam-app")
    result = build(project, Options(out=tmp_path / "out", cache_dir=tmp_path / "cache"))
    prepared = prepare(project, result, Target(bucket=BUCKET, prefix="app", region="us-west-2"))
    original = load_yaml(project.source)
    sam = prepared.sam
    expected = copy.deepcopy(original)
    for name, function in result.functions.items():
        props = expected["Resources"][name]["Properties"]
        props["CodeUri"] = f"s3://{BUCKET}/app/{result.artifacts[function.code].sha256}.zip"
        deps = [layer for layer in function.layers if layer.startswith("deps-")]
        if deps:
            props["Layers"] = [*props.get("Layers", []), *({"Ref": pascal(d.removesuffix(".zip"))} for d in deps)]
    layer_zip = result.artifacts["layer-layers_common.zip"]
    expected["Resources"]["CommonLayer"]["Properties"]["ContentUri"] = f"s3://{BUCKET}/app/{layer_zip.sha256}.zip"
    added = {k: v for k, v in sam["Resources"].items() if k not in original["Resources"]}
    assert sam == {**expected, "Resources": {**expected["Resources"], **added}}
    assert sorted(added) == sorted(pascal(n.removesuffix(".zip")) for n in result.artifacts if n.startswith("deps-"))
    assert all(a["Type"] == "AWS::Serverless::LayerVersion" for a in added.values())
    assert prepared.warnings == []  # the example already lists */* (Globals.Api)
    assert errors(lint(prepared.cloudformation, "us-west-2")) == []
    assert "arn:aws" not in json.dumps(prepared.cloudformation).replace("arn:${AWS::Partition}:", "")


def test_a_sam_projects_stage_and_overrides_are_checked_against_its_parameters(tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "sam-app")
    result = build(project, Options(out=tmp_path / "out", cache_dir=tmp_path / "cache"))
    prepared = prepare(project, result, Target(bucket=BUCKET, stage="prod", overrides={"Greeting": "Hi"}))
    assert prepared.parameters == {"Greeting": "Hi", "Stage": "prod"}
    with pytest.raises(DeployError, match="does not declare: Nope"):
        prepare(project, result, Target(bucket=BUCKET, overrides={"Nope": "1"}))


def test_a_rest_api_fronting_a_whole_app_gets_binary_media_types(tmp_path: Path) -> None:
    source = (EXAMPLES / "sam-app" / "template.yaml").read_text()
    project_dir = tmp_path / "sam-app"
    shutil.copytree(EXAMPLES / "sam-app", project_dir)
    (project_dir / "template.yaml").write_text(source.replace('  Api:\n    BinaryMediaTypes: ["*~1*"]', ""))
    project = load_project(project_dir)
    result = build(project, Options(cache_dir=tmp_path / "cache"))
    prepared = prepare(project, result, Target(bucket=BUCKET))
    assert prepared.sam["Globals"]["Api"] == {"BinaryMediaTypes": ["*~1*"]}
    assert prepared.warnings == []
    # the project model decides it once, so `dev` serves what `deploy` deploys, and says so once
    assert project.apis["ServerlessRestApi"].binary_media_types == ("*/*",)
    assert [w for w in project.warnings if "BinaryMediaTypes" in w] == [
        "ServerlessRestApi: fronts a whole app ({proxy+}) and lists no BinaryMediaTypes; served and deployed with */*"
    ]


# -- OpenAPI -------------------------------------------------------------------------------------


def test_openapi_merges_each_functions_routes_into_one_document_per_api(tmp_path: Path) -> None:
    config = (
        MINIMAL
        + '\n[functions.items]\ncode = "hello"\nhandler = "app.items"\nroutes = ["GET /items/{id}", "ANY /files/{path+}"]\n'
    )
    project = project_of(tmp_path / "store", config)

    def integration(function: str) -> dict[str, Any]:
        return {
            "type": "aws_proxy",
            "httpMethod": "POST",
            "uri": {
                "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                f"${{{function}.Arn}}/invocations"
            },
            "payloadFormatVersion": "2.0",
        }

    assert openapi(project, "http") == {
        "openapi": "3.0.1",
        "info": {"title": "store-http", "version": "1.0"},
        "paths": {
            "/files/{path+}": {
                "x-amazon-apigateway-any-method": {
                    "operationId": "items.any_files_path",
                    "responses": {},
                    "x-amazon-apigateway-integration": integration("ItemsFunction"),
                    "parameters": [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            },
            "/hello": {
                "get": {
                    "operationId": "hello.get_hello",
                    "responses": {},
                    "x-amazon-apigateway-integration": integration("HelloFunction"),
                }
            },
            "/items/{id}": {
                "get": {
                    "operationId": "items.get_items_id",
                    "responses": {},
                    "x-amazon-apigateway-integration": integration("ItemsFunction"),
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            },
        },
    }


# -- settings ------------------------------------------------------------------------------------


def test_samconfig_environments_and_parameter_overrides(tmp_path: Path) -> None:
    path = tmp_path / "samconfig.toml"
    path.write_text(
        'version = 0.1\n[default.global.parameters]\nregion = "eu-west-1"\n'
        '[default.deploy.parameters]\nstack_name = "shop"\nparameter_overrides = "Stage=dev Greeting=\'hi there\'"\n'
        '[prod.deploy.parameters]\nstack_name = "shop-prod"\nparameter_overrides = ["Stage=prod"]\n'
    )
    assert read_samconfig(path, "default", ("deploy",)) == {
        "region": "eu-west-1",
        "stack_name": "shop",
        "parameter_overrides": "Stage=dev Greeting='hi there'",
    }
    assert read_samconfig(path, "prod", ("deploy",)) == {
        "stack_name": "shop-prod",
        "parameter_overrides": ["Stage=prod"],
    }
    assert read_samconfig(tmp_path / "none.toml", "default", ("deploy",)) == {}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("policies = [3]\n", r"functions\.hello\.policies\[0\]: expected a policy name, template or document"),
        ('\n[parameters]\nX = { ssm = "/a", secret = "b" }\n', "needs exactly one of ssm"),
        ('\n[apis.http]\ndomain = { name = "a.example.com", endpoint = "edge" }\n', "regional custom domains only"),
        ('\n[apis.rest]\ndomain = { name = "a.example.com", certificate = "arn:aws:s3:::b" }\n', "not an ACM"),
    ],
)
def test_native_deploy_keys_are_checked(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        project_of(tmp_path / "app", MINIMAL + extra)


def test_the_template_command_prints_cloudformation_and_writes_each_apis_openapi(tmp_path: Path) -> None:
    from tests.deploy.conftest import lambdaworks as run

    project = project_of(
        tmp_path / "store",
        MINIMAL + '\n[functions.admin]\ncode = "hello"\nhandler = "app.admin"\n'
        'api = "rest"\nroutes = ["POST /reset"]\n',
    )
    result = run("template", str(project.root), "--format", "cloudformation", "--openapi", str(tmp_path / "api.yaml"))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output[: result.output.rindex("}") + 1])
    assert printed["Resources"]["HelloFunction"]["Type"] == "AWS::Lambda::Function"
    assert printed["Resources"]["HelloFunction"]["Properties"]["Code"]["S3Bucket"] == "artifacts-bucket"
    rest = load_yaml(tmp_path / "api-rest.yaml")
    assert list(rest["paths"]) == ["/reset"]
    assert rest["x-amazon-apigateway-binary-media-types"] == ["*/*"]
    assert list(load_yaml(tmp_path / "api-http.yaml")["paths"]) == ["/hello"]


def test_translation_and_lint_are_remembered_by_template(tmp_path: Path) -> None:
    project = project_of(tmp_path / "app", MINIMAL)
    result, _ = built(project)
    cache = tmp_path / "checked"
    first = prepare(project, result, Target(bucket=BUCKET), cache)
    (stored,) = cache.iterdir()
    record = json.loads(stored.read_text())
    assert record == {"cloudformation": first.cloudformation, "problems": []}
    record["cloudformation"]["Description"] = "read back from the cache"
    stored.write_text(json.dumps(record))
    assert (
        prepare(project, result, Target(bucket=BUCKET), cache).cloudformation["Description"]
        == record["cloudformation"]["Description"]
    )
    other_region = prepare(project, result, Target(bucket=BUCKET, region="eu-west-1"), cache)
    assert other_region.cloudformation == first.cloudformation  # translated again, not read back
    assert len(list(cache.iterdir())) == 2


def test_objects_are_keyed_by_hash_under_the_prefix_with_their_own_extension() -> None:
    assert key_of("ab12", "") == "ab12.zip"
    assert key_of("ab12", "/builds/") == "builds/ab12.zip"
    # a large template goes through the bucket as JSON; a prefix that mentions .zip stays as given
    assert key_of("ab12", "v1.zip-archive/templates", ".json") == "v1.zip-archive/templates/ab12.json"


SERVICES = """\
[resources.uploads]
type = "bucket"

[resources.jobs]
type = "queue"
visibility_timeout = 60
dead_letter = "jobs-dlq"

[resources.jobs-dlq]
type = "queue"

[resources.files]
type = "table"
key = "id"
stream = "new_image"

[resources.alerts]
type = "topic"

[resources.orders]
type = "bus"

[functions.worker]
code = "hello"
handler = "app.handler"
env = { QUEUE_URL = "${Jobs}", TABLE = "${Files}" }
events = [
  { s3 = "uploads", prefix = "in/" },
  { sqs = "jobs", batch_size = 5, report_failures = true },
  { sns = "alerts", filter = { severity = ["high"] } },
  { dynamodb = "files", starting_position = "TRIM_HORIZON", retries = 2, bisect = true },
  { eventbridge = { source = ["shop"] }, bus = "orders" },
]
"""


def test_native_resources_and_event_sources_deploy_as_the_same_sam_resources(tmp_path: Path) -> None:
    """[resources] and events become the resources and SAM events a template would declare, naming
    each other with intrinsics (not the local values), and the result passes SAM and cfn-lint."""
    project = project_of(tmp_path / "app", SERVICES)
    assert project.warnings == ()
    result, located = built(project)
    template = sam_template(project, result, located, Settings(region="us-east-1"))
    resources = template["Resources"]
    assert resources["Jobs"] == {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "VisibilityTimeout": 60,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["JobsDlq", "Arn"]}, "maxReceiveCount": 3},
        },
    }
    assert resources["Files"]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert resources["Orders"] == {"Type": "AWS::Events::EventBus", "Properties": {"Name": "orders"}}
    events = resources["WorkerFunction"]["Properties"]["Events"]
    assert events["SQSEvent2"]["Properties"] == {
        "Queue": {"Fn::GetAtt": ["Jobs", "Arn"]},
        "BatchSize": 5,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
    assert events["S3Event1"]["Properties"]["Bucket"] == {"Ref": "Uploads"}
    assert events["DynamoDBEvent4"]["Properties"]["Stream"] == {"Fn::GetAtt": ["Files", "StreamArn"]}
    assert "lambdaworks-local" not in json.dumps(template)  # no local value leaks into what is deployed
    cloudformation = to_cloudformation(template, "us-east-1")
    assert errors(lint(cloudformation, "us-east-1")) == []
    types = {r["Type"] for r in cloudformation["Resources"].values()}
    assert {"AWS::Lambda::EventSourceMapping", "AWS::SNS::Subscription", "AWS::Events::Rule"} <= types
