"""Route matching as API Gateway does it: literal segments beat parameters, ``{proxy+}`` is last,
a method beats ``ANY``; HTTP APIs' ``$default`` route catches the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from lambdaworks.project.model import Route


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]


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


class Router:
    """Routes of one API, most specific first."""

    def __init__(self, routes: list[Route]) -> None:
        compiled = []
        self.default: Route | None = None
        for route in routes:
            if route.path == "$default":
                self.default = route
                continue
            regex, rank = _compile(route.path)
            compiled.append((rank, route.method == "ANY", regex, route))
        compiled.sort(key=lambda item: (item[0], item[1]))
        self.routes = [(regex, route) for _, _, regex, route in compiled]

    def match(self, method: str, raw_path: str) -> Match | None:
        path = unquote(raw_path)
        for regex, route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = regex.match(path)
            if found:
                return Match(route, dict(found.groupdict()))
        if self.default is not None:
            return Match(self.default, {})
        return None

    def allows_path(self, raw_path: str) -> bool:
        """Some route has this path (for any method)."""
        path = unquote(raw_path)
        return any(regex.match(path) for regex, _ in self.routes)
