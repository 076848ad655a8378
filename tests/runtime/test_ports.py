"""Ports from Host and X-Forwarded-Port: only ASCII digits count (hypothesis found ``"¹"``, which
``str.isdigit`` accepts and ``int`` refuses, crashing the request)."""

from __future__ import annotations

import pytest

from lambdaworks.runtime.events.base import split_host


@pytest.mark.parametrize(
    ("host", "scheme", "forwarded", "expected"),
    [
        ("h", "https", "¹", ("h", 443)),
        ("h:¹", "http", None, ("h:¹", 80)),
        ("[::1]:²", "http", None, ("[::1]", 80)),
        ("h:8080", "http", "443", ("h", 8080)),
        (None, "http", "8000", ("localhost", 8000)),
    ],
)
def test_only_ascii_digits_make_a_port(
    host: str | None, scheme: str, forwarded: str | None, expected: tuple[str, int]
) -> None:
    assert split_host(host, scheme, forwarded) == expected
