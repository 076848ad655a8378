"""``lambdaworks package/deploy/outputs/delete`` end to end, against moto's S3, CloudFormation, Lambda and IAM.

moto's CloudFormation ignores a REST API's OpenAPI body (so its deployment has no methods) and
skips HTTP APIs, so these projects use HTTP API routes and schedules; REST templates are checked
by cfn-lint and whole-document tests instead.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest

from lambdaworks.build.manifest import NAME as MANIFEST
from tests.deploy.conftest import REGION, client, lambdaworks, write_native


def stack_name() -> str:
    return f"shop-{uuid.uuid4().hex[:8]}"


def deploy(root: Path, aws: dict[str, str], stack: str, *extra: str) -> str:
    result = lambdaworks(
        "deploy",
        str(root),
        "--stack-name",
        stack,
        "--s3-bucket",
        aws["bucket"],
        "--region",
        REGION,
        "--endpoint-url",
        aws["url"],
        "--no-confirm",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result.output


def functions(url: str, stack: str) -> dict[str, dict[str, object]]:
    """The stack's functions by logical ID, as Lambda describes them."""
    resources = client(url, "cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    lam = client(url, "lambda")
    return {
        r["LogicalResourceId"]: lam.get_function(FunctionName=r["PhysicalResourceId"])["Configuration"]
        for r in resources
        if r.get("ResourceType") == "AWS::Lambda::Function"
    }


def code_sha256(root: Path, function: str) -> str:
    """Lambda's CodeSha256 (base64 of the zip's sha256) of a function's built code package."""
    out = root / ".lambdaworks" / "build"
    name = json.loads((out / MANIFEST).read_text())["functions"][function]["code"]
    return base64.b64encode(hashlib.sha256((out / name).read_bytes()).digest()).decode()


def test_deploy_creates_the_stack_with_each_functions_code_handler_memory_and_role(
    tmp_path: Path, aws: dict[str, str]
) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    output = deploy(root, aws, stack)
    assert "Change set (create)" in output
    assert f"Stack {stack}: created." in output
    cfn = client(aws["url"], "cloudformation")
    assert cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    deployed = functions(aws["url"], stack)
    assert set(deployed) == {"ApiFunction", "WorkerFunction"}
    api, worker = deployed["ApiFunction"], deployed["WorkerFunction"]
    assert (api["Handler"], api["MemorySize"], api["Runtime"]) == ("app.handler", 256, "python3.12")
    assert (worker["Handler"], worker["MemorySize"], worker["Timeout"]) == ("job.handler", 128, 30)
    assert api["CodeSha256"] == code_sha256(root, "api")
    assert worker["CodeSha256"] == code_sha256(root, "worker")
    # the secret is a dynamic reference for CloudFormation to resolve, never the local value
    assert api["Environment"]["Variables"] == {"STAGE": "dev", "DB_PASSWORD": "{{resolve:ssm:/shop/db-password}}"}

    iam = client(aws["url"], "iam")
    roles = {name: str(f["Role"]).rsplit("/", 1)[1] for name, f in deployed.items()}
    assert roles["ApiFunction"] != roles["WorkerFunction"]  # one role per function
    # moto does not attach managed policies, so read them from the template CloudFormation holds
    deployed_template = cfn.get_template(StackName=stack)["TemplateBody"]
    if isinstance(deployed_template, str):
        deployed_template = json.loads(deployed_template)
    role = deployed_template["Resources"]["ApiFunctionRole"]["Properties"]
    basic = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert role["ManagedPolicyArns"] == [{"Fn::Sub": basic}]
    inline = iam.list_role_policies(RoleName=roles["ApiFunction"])["PolicyNames"]
    document = iam.get_role_policy(RoleName=roles["ApiFunction"], PolicyName=inline[0])["PolicyDocument"]
    if isinstance(document, str):  # moto keeps a CloudFormation-made inline policy as Python's repr
        text = unquote(document)
        document = json.loads(text) if text.startswith('{"') else ast.literal_eval(text)
    statement = document["Statement"][0]
    assert "dynamodb:GetItem" in statement["Action"]
    assert "dynamodb:PutItem" not in statement["Action"]
    assert statement["Resource"][0] == f"arn:aws:dynamodb:{REGION}:123456789012:table/items"
    assert iam.list_role_policies(RoleName=roles["WorkerFunction"])["PolicyNames"] == []

    s3 = client(aws["url"], "s3")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=aws["bucket"])["Contents"]}
    built = json.loads((root / ".lambdaworks" / "build" / MANIFEST).read_text())["artifacts"]
    assert keys == {f"{a['sha256']}.zip" for a in built.values()}  # two code packages and the layer


def test_an_unchanged_deploy_uploads_nothing_and_reports_no_changes(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    deploy(root, aws, stack)
    cfn = client(aws["url"], "cloudformation")
    events = len(cfn.describe_stack_events(StackName=stack)["StackEvents"])
    change_sets = cfn.list_change_sets(StackName=stack)["Summaries"]
    output = deploy(root, aws, stack)
    assert "Artifacts: 0 uploads (0.0 MB), 3 already in" in output
    assert f"No changes: stack {stack} is up to date." in output
    assert len(cfn.describe_stack_events(StackName=stack)["StackEvents"]) == events
    assert cfn.list_change_sets(StackName=stack)["Summaries"] == change_sets  # the empty one was deleted


def test_a_code_edit_updates_only_that_function(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    deploy(root, aws, stack)
    before = functions(aws["url"], stack)
    (root / "api" / "app.py").write_text('def handler(event, context):\n    return {"statusCode": 201}\n')

    output = deploy(root, aws, stack)
    assert "Artifacts: 1 upload" in output
    assert "2 already in" in output
    table = output[output.index("Change set (update)") : output.index(f"Stack {stack}: updated.")]
    assert "Modify" in table
    assert "ApiFunction " in table
    assert "WorkerFunction" not in table
    assert "Add" not in table
    assert "Remove" not in table
    after = functions(aws["url"], stack)
    assert after["ApiFunction"]["CodeSha256"] == code_sha256(root, "api") != before["ApiFunction"]["CodeSha256"]
    assert after["WorkerFunction"]["CodeSha256"] == before["WorkerFunction"]["CodeSha256"]
    assert after["WorkerFunction"]["LastModified"] == before["WorkerFunction"]["LastModified"]


def test_delete_removes_the_stack_and_its_functions(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    deploy(root, aws, stack)
    names = [str(f["FunctionName"]) for f in functions(aws["url"], stack).values()]
    common = ("--stack-name", stack, "--region", REGION, "--endpoint-url", aws["url"])

    refused = lambdaworks("delete", *common)  # no terminal to confirm on: a flag is missing
    assert refused.exit_code == 2
    assert "--no-confirm" in refused.output
    result = lambdaworks("delete", *common, "--no-confirm")
    assert result.exit_code == 0, result.output
    assert f"Stack {stack}: deleted." in result.output
    cfn = client(aws["url"], "cloudformation")
    live = [s["StackName"] for s in cfn.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    assert stack not in live
    listed = {f["FunctionName"] for f in client(aws["url"], "lambda").list_functions()["Functions"]}
    assert not listed & set(names)
    again = lambdaworks("delete", *common, "--no-confirm")
    assert again.exit_code == 0
    assert f"No stack named {stack}" in again.output


def test_deploy_without_a_terminal_asks_for_no_confirm_and_leaves_nothing(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    result = lambdaworks(
        "deploy", str(root), "--stack-name", stack, "--s3-bucket", aws["bucket"], "--endpoint-url", aws["url"]
    )
    assert result.exit_code == 2
    assert "pass --no-confirm to deploy from CI" in result.output
    statuses = [
        s["StackStatus"]
        for s in client(aws["url"], "cloudformation").list_stacks()["StackSummaries"]
        if s["StackName"] == stack
    ]
    assert "CREATE_COMPLETE" not in statuses


def test_package_uploads_by_hash_and_writes_the_deployable_templates(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    args = ("package", str(root), "--s3-bucket", aws["bucket"], "--s3-prefix", "shop/v1", "--endpoint-url", aws["url"])
    first = lambdaworks(*args)
    assert first.exit_code == 0, first.output
    assert "Artifacts: 3 uploads" in first.output
    sam = (root / ".lambdaworks" / "package" / "template.yaml").read_text()
    cloudformation = json.loads((root / ".lambdaworks" / "package" / "cloudformation.json").read_text())
    code = cloudformation["Resources"]["ApiFunction"]["Properties"]["Code"]
    assert code["S3Bucket"] == aws["bucket"]
    assert code["S3Key"] == f"shop/v1/{code_sha256_hex(root, 'api')}.zip"
    assert f"s3://{aws['bucket']}/{code['S3Key']}" in sam
    objects = client(aws["url"], "s3").list_objects_v2(Bucket=aws["bucket"], Prefix="shop/v1/")["Contents"]
    assert code["S3Key"] in {o["Key"] for o in objects}
    second = lambdaworks(*args)
    assert "Artifacts: 0 uploads (0.0 MB), 3 already in" in second.output


def code_sha256_hex(root: Path, function: str) -> str:
    out = root / ".lambdaworks" / "build"
    name = json.loads((out / MANIFEST).read_text())["functions"][function]["code"]
    return hashlib.sha256((out / name).read_bytes()).hexdigest()


def test_a_missing_bucket_is_a_clear_error(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    result = lambdaworks("package", str(root), "--s3-bucket", "no-such-bucket-here", "--endpoint-url", aws["url"])
    assert result.exit_code == 1
    assert "s3://no-such-bucket-here: the bucket does not exist" in result.output


def test_outputs_prints_a_stacks_outputs(aws: dict[str, str]) -> None:
    stack = stack_name()
    template = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}, "Region": {"Value": {"Ref": "AWS::Region"}}},
    }
    client(aws["url"], "cloudformation").create_stack(StackName=stack, TemplateBody=json.dumps(template))
    common = ("--stack-name", stack, "--endpoint-url", aws["url"])
    result = lambdaworks("outputs", *common, "--json")
    assert result.exit_code == 0, result.output
    outputs = json.loads(result.output)
    assert outputs["Region"] == REGION
    assert outputs["QueueUrl"].endswith(f"{stack}-Queue-" + outputs["QueueUrl"][-12:])
    assert lambdaworks("outputs", "--stack-name", "nope", "--endpoint-url", aws["url"]).output.endswith(
        "no stack named nope\n"
    )


def test_settings_come_from_samconfig_per_environment(tmp_path: Path, aws: dict[str, str]) -> None:
    root = write_native(tmp_path / "shop")
    stack = stack_name()
    (root / "samconfig.toml").write_text(
        f'version = 0.1\n[prod.deploy.parameters]\nstack_name = "{stack}"\ns3_bucket = "{aws["bucket"]}"\n'
        f'region = "{REGION}"\nparameter_overrides = "Stage=prod"\n'
    )
    result = lambdaworks("deploy", str(root), "--config-env", "prod", "--endpoint-url", aws["url"], "--no-confirm")
    assert result.exit_code == 0, result.output
    api = functions(aws["url"], stack)["ApiFunction"]
    assert api["Environment"]["Variables"]["STAGE"] == "prod"
    missing = lambdaworks("deploy", str(root), "--config-env", "staging", "--endpoint-url", aws["url"])
    assert missing.exit_code == 1
    assert "has no [staging] environment (it has: prod)" in missing.output


def test_the_guard_stops_a_client_bound_for_real_aws(aws_guard: list[str]) -> None:
    from tests.deploy.conftest import NonLoopbackRequest

    s3 = client(None, "s3")  # type: ignore[arg-type]
    with pytest.raises(NonLoopbackRequest, match=r"amazonaws\.com"):
        s3.list_buckets()
    assert aws_guard == ["https://s3.amazonaws.com/"]
    aws_guard.clear()  # caught on purpose; any other test's stray request fails it at teardown
