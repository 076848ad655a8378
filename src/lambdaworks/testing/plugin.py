"""pytest plugin (registered through the ``pytest11`` entry point): Lambda fixtures.

* ``lambda_context`` - a fresh :class:`~lambdaworks.LambdaContext` (3 s timeout).
* ``lambda_client`` - a factory: ``lambda_client(handler, source="http-v2")`` -> :class:`LambdaClient`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lambdaworks.runtime.context import LambdaContext
from lambdaworks.testing.client import LambdaClient


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
