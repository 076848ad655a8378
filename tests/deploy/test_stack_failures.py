"""A rolled-back deploy names each failed resource with CloudFormation's reason.

moto cannot roll a stack back (its CloudFormation raises instead), so this one test replays the
responses CloudFormation gives for a failed create, in the shapes boto3 returns them.
"""

from __future__ import annotations

from typing import Any

import pytest

from lambdaworks.deploy.errors import DeployError
from lambdaworks.deploy.stack import Change, ChangeSet, Stack

STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/1"


class Pages:
    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.events = events

    def paginate(self, StackName: str) -> list[dict[str, Any]]:
        return [{"StackEvents": list(reversed(self.events))}]


class RolledBack:
    """CloudFormation as it answers while a first deploy fails and rolls back."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = [{"EventId": "old", "ResourceStatus": "REVIEW_IN_PROGRESS"}]
        self.statuses = ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]

    def execute_change_set(self, ChangeSetName: str) -> None:
        self.events += [
            {"EventId": "1", "LogicalResourceId": "shop", "ResourceStatus": "CREATE_IN_PROGRESS"},
            {
                "EventId": "2",
                "LogicalResourceId": "ApiFunction",
                "ResourceType": "AWS::Lambda::Function",
                "ResourceStatus": "CREATE_FAILED",
                "ResourceStatusReason": 'Resource handler returned message: "Error occurred while GetObject. '
                'S3 Error Code: NoSuchKey"',
            },
            {"EventId": "3", "LogicalResourceId": "shop", "ResourceStatus": "ROLLBACK_COMPLETE"},
        ]

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"Stacks": [{"StackId": STACK_ID, "StackStatus": status}]}

    def get_paginator(self, name: str) -> Pages:
        return Pages(self.events)


def test_a_rolled_back_create_reports_the_failed_resource_and_its_reason() -> None:
    shown: list[str] = []
    stack = Stack(RolledBack(), "shop", poll=0, sleep=lambda seconds: None)
    change_set = ChangeSet("arn:changeSet/x", "CREATE", (Change("Add", "ApiFunction", "AWS::Lambda::Function"),))
    with pytest.raises(DeployError) as failed:
        stack.execute(change_set, lambda event: shown.append(event["ResourceStatus"]))
    assert str(failed.value) == (
        "stack shop ended ROLLBACK_COMPLETE\n"
        '  ApiFunction (AWS::Lambda::Function) CREATE_FAILED: Resource handler returned message: "Error occurred '
        'while GetObject. S3 Error Code: NoSuchKey"'
    )
    assert shown == ["CREATE_IN_PROGRESS", "CREATE_FAILED", "ROLLBACK_COMPLETE"]  # each event once, in order
