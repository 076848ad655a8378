"""A CloudFormation stack driven through change sets: create one, read its changes, execute, wait.

An empty change set is "no changes", not an error. A failed deploy reports each failed resource
with CloudFormation's status reason. New stack events are told apart from old ones by event id,
not by time, so a skewed clock (or an emulator's fixed timestamps) cannot hide or repeat one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lambdaworks.deploy.errors import DeployError

#: Statuses after which a stack accepts a change set, and what kind of change set it takes.
UPDATABLE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
MAX_TEMPLATE_BODY = 51_200  # bytes; a larger template goes through S3


@dataclass(frozen=True)
class Change:
    """One row of a change set."""

    action: str  # Add, Modify, Remove
    logical_id: str
    resource_type: str
    replacement: str = ""  # True, False or Conditional, for Modify


@dataclass(frozen=True)
class ChangeSet:
    """A change set ready to execute."""

    arn: str
    kind: str  # CREATE or UPDATE
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Failure:
    """A resource CloudFormation could not create, update or delete."""

    logical_id: str
    resource_type: str
    status: str
    reason: str


class Stack:
    """The stack ``name`` in the account ``cloudformation`` (a boto3 client) reaches."""

    def __init__(
        self,
        cloudformation: Any,
        name: str,
        *,
        poll: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 4 * 3600,
    ) -> None:
        self.cfn = cloudformation
        self.name = name
        self.ref = name  # the stack's id once known: names are reused, ids are not
        self.poll = poll
        self.sleep = sleep
        self.timeout = timeout

    # -- reading ---------------------------------------------------------------------------------

    def describe(self) -> dict[str, Any] | None:
        """The stack's description, or None when there is no such stack."""
        from botocore.exceptions import ClientError

        try:
            stacks = self.cfn.describe_stacks(StackName=self.ref)["Stacks"]
        except ClientError as exc:
            if "does not exist" in str(exc):
                return None
            raise  # explained by the caller, with the operation (lambdaworks.deploy.aws)
        return stacks[0] if stacks else None

    def status(self) -> str | None:
        stack = self.describe()
        return None if stack is None else str(stack["StackStatus"])

    def outputs(self) -> dict[str, str]:
        """The stack's outputs, name -> value; DeployError when there is no stack."""
        stack = self.describe()
        if stack is None:
            raise DeployError(f"no stack named {self.name}")
        return {o["OutputKey"]: str(o.get("OutputValue", "")) for o in stack.get("Outputs") or []}

    def events(self) -> Iterator[dict[str, Any]]:
        """The stack's events, newest first."""
        for page in self.cfn.get_paginator("describe_stack_events").paginate(StackName=self.ref):
            yield from page["StackEvents"]

    def event_ids(self) -> set[str]:
        from botocore.exceptions import ClientError

        try:
            return {e["EventId"] for e in self.events()}
        except ClientError as exc:
            if "does not exist" in str(exc):  # no stack yet: no events
                return set()
            raise

    # -- change sets -----------------------------------------------------------------------------

    def change_set(
        self, template: str, parameters: dict[str, str], *, template_url: str | None = None
    ) -> ChangeSet | None:
        """A change set deploying ``template``; None when it would change nothing."""
        status = self.status()
        if status is not None and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
            raise DeployError(f"stack {self.name} is busy ({status}); wait for it to finish")
        if status in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"):
            raise DeployError(
                f"stack {self.name} is {status} after a failed first deploy and cannot be updated; "
                f"remove it with `lambdaworks delete --stack-name {self.name}`, then deploy again"
            )
        kind = "UPDATE" if status in UPDATABLE else "CREATE"
        source = {"TemplateURL": template_url} if template_url else {"TemplateBody": template}
        created = self.cfn.create_change_set(
            StackName=self.name,
            ChangeSetName=f"lambdaworks-{int(time.time() * 1000)}",
            ChangeSetType=kind,
            Capabilities=CAPABILITIES,
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(parameters.items())],
            Description="lambdaworks deploy",
            **source,
        )
        arn = created["Id"]
        self.ref = created.get("StackId", self.ref)
        while True:
            described = self.cfn.describe_change_set(ChangeSetName=arn)
            state = described["Status"]
            if state == "CREATE_COMPLETE":
                break
            if state == "FAILED":
                reason = str(described.get("StatusReason", ""))
                if any(text in reason for text in NO_CHANGES):
                    self.cfn.delete_change_set(ChangeSetName=arn)
                    return None
                raise DeployError(f"CloudFormation refused the change set: {reason}")
            self.sleep(self.poll)
        changes = tuple(
            Change(
                action=str(rc.get("Action", "")),
                logical_id=str(rc.get("LogicalResourceId", "")),
                resource_type=str(rc.get("ResourceType", "")),
                replacement=str(rc.get("Replacement", "")) if rc.get("Action") == "Modify" else "",
            )
            for change in self.paged_changes(arn, described)
            for rc in [change.get("ResourceChange", {})]
        )
        return ChangeSet(arn, kind, changes)

    def paged_changes(self, arn: str, first: dict[str, Any]) -> list[dict[str, Any]]:
        changes = list(first.get("Changes", []))
        token = first.get("NextToken")
        while token:
            page = self.cfn.describe_change_set(ChangeSetName=arn, NextToken=token)
            changes += page.get("Changes", [])
            token = page.get("NextToken")
        return changes

    def execute(self, change_set: ChangeSet, on_event: Callable[[dict[str, Any]], None] = lambda e: None) -> None:
        """Execute ``change_set`` and wait; DeployError naming the failed resources when it rolls back."""
        before = self.event_ids()
        self.cfn.execute_change_set(ChangeSetName=change_set.arn)
        final = self.wait(set(before), on_event)
        if final not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            raise DeployError(self.failure_message(final, before))

    def delete(self, on_event: Callable[[dict[str, Any]], None] = lambda e: None) -> bool:
        """Delete the stack and wait; False when there was none."""
        stack = self.describe()
        if stack is None:
            return False
        before = self.event_ids()
        self.ref = str(stack["StackId"])  # a deleted stack is found by id only
        self.cfn.delete_stack(StackName=self.ref)
        final = self.wait(set(before), on_event)
        if final != "DELETE_COMPLETE":
            raise DeployError(self.failure_message(final, before))
        return True

    def wait(self, seen: set[str], on_event: Callable[[dict[str, Any]], None]) -> str:
        """Poll until the stack settles, passing each new event to ``on_event``; the final status."""
        deadline = time.monotonic() + self.timeout
        while True:
            status = self.status() or "DELETE_COMPLETE"
            fresh = [e for e in self.events() if e["EventId"] not in seen]
            for event in reversed(fresh):
                seen.add(event["EventId"])
                on_event(event)
            if not status.endswith("_IN_PROGRESS"):
                return status
            if time.monotonic() > deadline:
                raise DeployError(f"stack {self.name} is still {status}; follow it in the CloudFormation console")
            self.sleep(self.poll)

    def failures(self, seen: set[str]) -> list[Failure]:
        return [
            Failure(
                str(e.get("LogicalResourceId", "")),
                str(e.get("ResourceType", "")),
                str(e.get("ResourceStatus", "")),
                str(e.get("ResourceStatusReason", "")),
            )
            for e in reversed(list(self.events()))
            if e["EventId"] not in seen and str(e.get("ResourceStatus", "")).endswith("_FAILED")
        ]

    def failure_message(self, final: str, seen: set[str]) -> str:
        lines = [f"stack {self.name} ended {final}"]
        lines += [f"  {f.logical_id} ({f.resource_type}) {f.status}: {f.reason}" for f in self.failures(seen)]
        return "\n".join(lines)
