"""Sources that build the WSGI environ straight from the event must agree with the general path."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdaworks.runtime.events import HTTP_SOURCES, Options
from lambdaworks.runtime.wsgi import build_environ
from lambdaworks.testing import events
from tests.conftest import load_event
from tests.runtime.test_fixtures import HTTP_FIXTURES
from tests.runtime.test_translations import comparable

OPTIONS = [Options(), Options(base_path="/api")]


def both_ways(event: dict[str, Any], options: Options) -> tuple[dict[str, object], dict[str, object]]:
    source = next(s for s in HTTP_SOURCES if s.infer(event))
    fused = source.to_environ(event, "ctx", options)
    general = build_environ(source.to_request(event, "ctx", options))
    return comparable(fused), comparable(general)


@pytest.mark.parametrize("options", OPTIONS, ids=["plain", "base_path"])
@pytest.mark.parametrize("name", sorted(HTTP_FIXTURES))
def test_fixtures_agree(name: str, options: Options) -> None:
    fused, general = both_ways(load_event(name), options)
    assert fused == general


NAMES = st.sampled_from(
    ["accept", "x-a", "x_a", "content-type", "content-length", "cookie", "host", "x-forwarded-port"]
)
VALUES = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    source=st.sampled_from(["apigw-v1", "http-v1", "http-v2", "function-url", "alb", "alb-multi"]),
    headers=st.lists(st.tuples(NAMES, VALUES), max_size=6),
    cookies=st.lists(st.from_regex(r"[a-z]{1,3}=[a-zé]{0,3}", fullmatch=True), max_size=3),
    body=st.one_of(st.none(), st.binary(max_size=20), st.text(max_size=20)),
    stage=st.sampled_from(["$default", "dev"]),
    base=st.sampled_from(["", "api"]),
    options=st.sampled_from(OPTIONS),
)
def test_generated_events_agree(
    source: str, headers: list[tuple[str, str]], cookies: list[str], body: Any, stage: str, base: str, options: Options
) -> None:
    extra: dict[str, Any] = (
        {} if source in ("function-url", "alb", "alb-multi") else {"stage": stage, "base_path": base}
    )
    event = events.make_http_event(source, "POST", "/p/q", headers=headers, cookies=cookies, body=body, **extra)
    fused, general = both_ways(event, options)
    assert fused == general
