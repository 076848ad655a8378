"""The Lambda context object, for tests, local runs and the emulator's bootstrap.

Inside AWS the runtime passes its own context; this class has the same attributes and methods
(``get_remaining_time_in_millis`` included) so code that uses them runs unchanged anywhere.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


#: A random hex digit -> the UUID variant digit it becomes (8, 9, a or b: its two low bits kept).
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_request_id() -> str:
    """A random UUID4-formatted request id (without importing ``uuid``): version digit 4, variant
    10xx, the other 122 bits random."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


class LambdaContext:
    """A stand-in for the context object Lambda passes to handlers."""

    def __init__(
        self,
        *,
        function_name: str = "lambdaworks-function",
        function_version: str = "$LATEST",
        memory_limit_in_mb: int = 128,
        timeout: float = 3.0,
        aws_request_id: str | None = None,
        invoked_function_arn: str | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        log_group_name: str | None = None,
        log_stream_name: str = "2026/01/01/[$LATEST]00000000000000000000000000000000",
        deadline_ms: int | None = None,
        identity: Any = None,
        client_context: Any = None,
        tenant_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.function_name = function_name
        self.function_version = function_version
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = aws_request_id or new_request_id()
        self.invoked_function_arn = invoked_function_arn or (
            f"arn:aws:lambda:{region}:{account_id}:function:{function_name}"
        )
        self.log_group_name = log_group_name or f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name
        self.identity = identity
        self.client_context = client_context
        self.tenant_id = tenant_id
        self._clock = clock
        self._deadline_ms = deadline_ms if deadline_ms is not None else int((clock() + timeout) * 1000)

    @property
    def deadline_ms(self) -> int:
        """Wall-clock deadline of this invocation in epoch milliseconds."""
        return self._deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the invocation times out (never negative)."""
        return max(0, self._deadline_ms - int(self._clock() * 1000))

    def __repr__(self) -> str:
        return f"<LambdaContext {self.function_name} {self.aws_request_id}>"
