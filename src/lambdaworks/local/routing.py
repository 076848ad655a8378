"""Route matching as API Gateway does it: literal segments beat parameters, ``{proxy+}`` is last,
a method beats ``ANY``; HTTP APIs' ``$default`` route catches the rest.

Every match carries that precedence as ``rank``, so that when several APIs share the emulator's one
port (on AWS each has its own host), the most specific route of any API wins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from lambdaworks.project.model import Route

#: The rank of a ``$default`` route: after every path, however greedy.
DEFAULT_RANK = ((3,), True)


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]
    rank: tuple[tuple[int, ...], bool] = DEFAULT_RANK


def _compile(path: str) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """A regex for a route path and a sort key (more literal and more specific first)."""
    parts = [p for p in path.strip("/").split("/") if p] if path != "/" else []
    pattern = ""
    rank: list[int] = []
    for part in parts:
        if part.startswith("{") and part.endswith("+}"):
            pattern += f"/(?P<{part[1:-2]}>.+)"
            rank.append(2)
        elif part.startswith("{") and part.endswith("}"):
            pattern += f"/(?P<{part[1:-1]}>[^/]+)"
            rank.append(1)
        else:
            pattern += "/" + re.escape(part)
            rank.append(0)
    return re.compile(f"^{pattern or '/'}/?$" if pattern else "^/$"), tuple(rank)


def greedy_of(path: str) -> tuple[str, int] | None:
    """``(name, segments before it)`` of a route's greedy parameter (``/a/{proxy+}`` -> ``("proxy", 1)``)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and parts[-1].startswith("{") and parts[-1].endswith("+}"):
        return parts[-1][1:-2], len(parts) - 1
    return None


class Router:
    """Routes of one API, most specific first.

    A REST API (``rest=True``) matches a path whose leading ``//`` collapses (``//hardcoded`` is the
    ``/hardcoded`` resource) and hands a greedy parameter over as the client encoded it, without a
    trailing slash (both recorded on AWS); an HTTP API's parameters are decoded.
    """

    def __init__(self, routes: list[Route], rest: bool = False) -> None:
        self.rest = rest
        compiled = []
        self.default: Route | None = None
        for route in routes:
            if route.path == "$default":
                self.default = route
                continue
            regex, rank = _compile(route.path)
            compiled.append(((rank, route.method == "ANY"), regex, route))
        compiled.sort(key=lambda item: item[0])
        self.routes = compiled

    def match(self, method: str, raw_path: str) -> Match | None:
        if self.rest:
            raw_path = "/" + raw_path.lstrip("/")
        path = unquote(raw_path)
        for rank, regex, route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = regex.match(path)
            if found:
                params = dict(found.groupdict())
                greedy = greedy_of(route.path) if self.rest else None
                if greedy is not None:
                    name, before = greedy
                    params[name] = raw_path.strip("/").split("/", before)[before].rstrip("/")
                return Match(route, params, rank)
        if self.default is not None:
            return Match(self.default, {})
        return None

    def methods_for(self, raw_path: str) -> set[str]:
        """The methods routes declare for this path (``ANY`` included as such)."""
        path = unquote(raw_path)
        return {route.method for _, regex, route in self.routes if regex.match(path)}

    def allows_path(self, raw_path: str) -> bool:
        """Some route has this path (for any method)."""
        path = unquote(raw_path)
        return any(regex.match(path) for _, regex, _ in self.routes)
