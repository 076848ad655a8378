"""Errors of the deploy commands: each a message for the user, no traceback.

Class tree::

    DeployError           something the user must change (a flag, the config, the template) or AWS refused
    └── AwsCallFailed     an AWS call failed outside CloudFormation's own verdicts (no connection, an
                          unreadable answer, credentials, throttling); keeps the operation and the cause
"""

from __future__ import annotations


class DeployError(Exception):
    """Something the user must change (a flag, the config, the template) or AWS refused."""


class AwsCallFailed(DeployError):
    """``operation`` (``"CloudFormation CreateChangeSet"``) failed; the message says what to do."""

    def __init__(self, operation: str, message: str) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation
