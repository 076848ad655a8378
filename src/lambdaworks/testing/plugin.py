"""pytest plugin (registered through the ``pytest11`` entry point): Lambda fixtures.

* ``lambda_context`` - a fresh :class:`~lambdaworks.LambdaContext` (3 s timeout).
* ``lambda_client`` - a factory: ``lambda_client(handler, source="http-v2")`` -> :class:`LambdaClient`.
* ``local_stack`` - a factory: ``local_stack("path/to/project")`` runs ``lambdaworks dev`` on free
  ports, its local AWS services included, and returns a :class:`~lambdaworks.testing.stack.LocalStack`
  (``.url``, ``.client("s3")``, ``.client("lambda")``, ``.wait_for(text)``); stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from lambdaworks.runtime.context import LambdaContext
from lambdaworks.testing.client import LambdaClient

if TYPE_CHECKING:
    from lambdaworks.testing.stack import LocalStack


@pytest.fixture
def lambda_context() -> LambdaContext:
    """A Lambda context whose deadline is 3 seconds from now."""
    return LambdaContext(function_name="test-function", timeout=3.0)


@pytest.fixture
def lambda_client() -> Callable[..., LambdaClient]:
    """Factory for in-process clients: ``lambda_client(handler, source="http-v2", **event_defaults)``."""

    def make(handler: Callable[[Any, Any], Any], source: str = "http-v2", **event_defaults: Any) -> LambdaClient:
        return LambdaClient(handler, source, **event_defaults)

    return make


@pytest.fixture
def local_stack() -> Iterator[Callable[..., LocalStack]]:
    """Factory: ``local_stack(project_dir, *dev_options)`` -> a running emulator with its services."""
    from lambdaworks.testing.stack import LocalStack  # a subprocess and boto3: only for the tests that use it

    started: list[LocalStack] = []

    def start(project_dir: Any, *options: str) -> LocalStack:
        stack = LocalStack(project_dir, *options)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.stop()
