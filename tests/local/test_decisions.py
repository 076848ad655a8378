"""The emulator's decisions without a subprocess: which route serves a request, when an async event
is tried again, and who hears of a reload."""

from __future__ import annotations

import pytest

from lambdaworks.local.delivery import MINUTE, THROTTLE_MAX, retry_delay, throttle_backoff, too_old
from lambdaworks.local.live import LiveProject
from lambdaworks.local.routing import Router
from lambdaworks.project import load_project
from lambdaworks.project.model import Route
from tests.local.conftest import PROJECT


def route(method: str, path: str, function: str) -> Route:
    return Route(method, path, function, "Api", "rest")


ROUTES = [
    route("ANY", "/{proxy+}", "Proxy"),
    route("GET", "/items/{id}", "Item"),
    route("GET", "/items/special", "Special"),
    route("ANY", "/items/{id}", "AnyItem"),
    route("POST", "/items", "Create"),
]


@pytest.mark.parametrize(
    ("method", "path", "function", "params"),
    [
        ("GET", "/items/special", "Special", {}),  # a literal beats a parameter
        ("GET", "/items/7", "Item", {"id": "7"}),  # a method beats ANY
        ("DELETE", "/items/7", "AnyItem", {"id": "7"}),
        ("POST", "/items", "Create", {}),
        ("GET", "/a/b%20c/", "Proxy", {"proxy": "a/b%20c"}),  # REST: as encoded, no trailing slash
        ("GET", "//items/7", "Item", {"id": "7"}),  # REST: a leading // collapses
    ],
)
def test_the_most_specific_route_serves(method: str, path: str, function: str, params: dict[str, str]) -> None:
    found = Router(ROUTES, rest=True).match(method, path)
    assert found is not None
    assert (found.route.function, found.params) == (function, params)


def test_an_http_api_hands_parameters_over_decoded_and_falls_back_to_default() -> None:
    routes = [Route("GET", "/files/{name}", "Files", "Http", "http"), Route("ANY", "$default", "Rest", "Http", "http")]
    router = Router(routes)
    found = router.match("GET", "/files/a%20b")
    assert found is not None
    assert found.params == {"name": "a b"}
    fallback = router.match("PUT", "/elsewhere")
    assert fallback is not None
    assert fallback.route.function == "Rest"
    assert router.methods_for("/files/x") == {"GET"}


def test_async_retries_wait_a_minute_then_two_and_throttles_back_off_to_five_minutes() -> None:
    assert [retry_delay(n) for n in (1, 2)] == [MINUTE, 2 * MINUTE]
    assert retry_delay(1, scale=0.01) == pytest.approx(0.6)  # --retry-delay 0.6: the same rule, faster
    assert [throttle_backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert throttle_backoff(30) == THROTTLE_MAX


def test_an_event_is_too_old_past_its_maximum_age_on_the_injected_clock() -> None:
    accepted = 1_000.0
    assert not too_old(accepted, now=accepted + 60, max_age=60)
    assert too_old(accepted, now=accepted + 60.001, max_age=60)
    assert too_old(accepted, now=accepted + 0.7, max_age=60, scale=0.01)


def test_a_reload_replaces_the_live_project_and_tells_its_listeners() -> None:
    first = load_project(PROJECT)
    live = LiveProject(first)
    heard: list[int] = []
    live.on_change(lambda project: heard.append(len(project.routes)))
    second = load_project(PROJECT)
    assert live.replace(second) is first
    assert live.current is second
    assert heard == [len(second.routes)]
