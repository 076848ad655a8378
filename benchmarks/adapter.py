"""Adapter overhead and import cost: lambdaworks vs mangum, apig-wsgi and serverless-wsgi.

Run by hand (needs the ``bench`` extra):  .venv/bin/python benchmarks/adapter.py [--rounds 15] [--calls 200]

Same Flask (WSGI) and Starlette (ASGI) apps, same events (REST v1, HTTP API v2, ALB, ALB
multi-value, Function URL; GET json, POST 10 KB json, GET 97 KB png, a response setting two
cookies). Contenders are
interleaved round by round so machine noise hits all of them alike; each cell is the median
over rounds of the mean per-call time, minus the direct app call (the floor: the app called
with a ready-made environ/scope). Import cost is ``-X importtime``'s cumulative time for the
package, median of several fresh interpreters. Ratios are peer / lambdaworks (>1: we are faster).
The "bare app" tables repeat GET json around apps that only answer fixed JSON, so the adapters'
own cost shows without a framework's around it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import compileall
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import apig_wsgi  # noqa: E402
import serverless_wsgi  # noqa: E402
from flask import Flask, Response, request  # noqa: E402
from mangum import Mangum  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402
from starlette.responses import Response as StarletteResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

import lambdaworks  # noqa: E402
from lambdaworks.runtime.asgi import build_scope  # noqa: E402
from lambdaworks.runtime.events import HTTP_SOURCES  # noqa: E402
from lambdaworks.runtime.wsgi import build_environ  # noqa: E402
from lambdaworks.testing import LambdaContext, events  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(97 * 1024 - 8)
PAYLOAD = json.dumps({"items": [{"id": i, "name": f"item-{i}", "tags": ["a", "b"]} for i in range(200)]})[:10240]
PAYLOAD = PAYLOAD[: PAYLOAD.rfind("},") + 1] + "]}"

# -- the apps ---------------------------------------------------------------------------------

flask_app = Flask(__name__)


@flask_app.get("/hello")
def hello() -> Any:
    return {"message": "hello"}


@flask_app.post("/items")
def items() -> Any:
    return {"received": len(request.get_data())}


@flask_app.get("/image.png")
def image() -> Any:
    return Response(PNG, content_type="image/png")


@flask_app.get("/login")
def login() -> Any:
    response = flask_app.make_response({"message": "hello"})
    response.set_cookie("session", "abc123")
    response.set_cookie("theme", "dark")
    return response


async def s_hello(req: Request) -> StarletteResponse:
    return JSONResponse({"message": "hello"})


async def s_items(req: Request) -> StarletteResponse:
    return JSONResponse({"received": len(await req.body())})


async def s_image(req: Request) -> StarletteResponse:
    return StarletteResponse(PNG, media_type="image/png")


async def s_login(req: Request) -> StarletteResponse:
    response = JSONResponse({"message": "hello"})
    response.set_cookie("session", "abc123")
    response.set_cookie("theme", "dark")
    return response


starlette_app = Starlette(
    routes=[
        Route("/hello", s_hello),
        Route("/items", s_items, methods=["POST"]),
        Route("/image.png", s_image),
        Route("/login", s_login),
    ]
)

HELLO = b'{"message":"hello"}'
HELLO_HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(HELLO)))]


def bare_wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The least a WSGI app can do: the adapters' own cost shows without a framework around it."""
    start_response("200 OK", HELLO_HEADERS)
    return [HELLO]


async def bare_asgi(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """The least an ASGI app can do (reads the request, answers fixed JSON)."""
    await receive()
    headers = [(k.lower().encode(), v.encode()) for k, v in HELLO_HEADERS]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": HELLO})


# -- the events -------------------------------------------------------------------------------

SOURCES = {"v1": "apigw-v1", "v2": "http-v2", "alb": "alb", "alb-multi": "alb-multi", "url": "function-url"}
REQUESTS = {
    "GET json": ("GET", "/hello", None, {}),
    "POST 10KB": ("POST", "/items", PAYLOAD, {"Content-Type": "application/json"}),
    "GET 97KB png": ("GET", "/image.png", None, {"Accept": "image/png"}),
    "GET 2 cookies": ("GET", "/login", None, {}),  # two Set-Cookie headers: each source's own encoding
}
HEADERS = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate", "User-Agent": "bench/1.0"}


def make_event(source: str, request_name: str) -> dict[str, Any]:
    method, path, body, headers = REQUESTS[request_name]
    return events.make_http_event(SOURCES[source], method, path, body=body, headers={**HEADERS, **headers})


# -- the contenders ---------------------------------------------------------------------------

#: A contender: given an event, the zero-argument call to time.
Contender = Callable[[dict[str, Any]], Callable[[], Any]]


def direct_wsgi(event: dict[str, Any], app: Any = flask_app) -> Callable[[], Any]:
    """Floor: the app (Flask) called with a prepared environ (fresh input stream each call)."""
    source = next(s for s in HTTP_SOURCES if s.infer(event))
    request_ = source.to_request(event, None, lambdaworks.handler(flask_app).options)
    environ = build_environ(request_)
    body = request_.body

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return None

    def call() -> Any:
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        it = app(env, start_response)
        out = b"".join(it)
        getattr(it, "close", lambda: None)()
        return out

    return call


LOOP = asyncio.new_event_loop()


def direct_asgi(event: dict[str, Any], app: Any = starlette_app) -> Callable[[], Any]:
    """Floor: the app (Starlette) run on a persistent loop with a prepared scope."""
    source = next(s for s in HTTP_SOURCES if s.infer(event))
    request_ = source.to_request(event, None, lambdaworks.handler(flask_app).options)
    scope = build_scope(request_)
    body = request_.body

    async def cycle() -> bytes:
        chunks: list[bytes] = []
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Future()
            return {}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(dict(scope), receive, send)
        return b"".join(chunks)

    return lambda: LOOP.run_until_complete(cycle())


CONTEXT = LambdaContext(timeout=900)
LW_WSGI = lambdaworks.handler(flask_app)
LW_ASGI = lambdaworks.handler(starlette_app, lifespan="off")
APIG = apig_wsgi.make_lambda_handler(flask_app, binary_support=True)
MANGUM = Mangum(starlette_app, lifespan="off")

WSGI_CONTENDERS: dict[str, Contender] = {
    "direct": direct_wsgi,
    "lambdaworks": lambda e: lambda: LW_WSGI(e, CONTEXT),
    "apig-wsgi": lambda e: lambda: APIG(e, CONTEXT),
    "serverless-wsgi": lambda e: lambda: serverless_wsgi.handle_request(flask_app, e, CONTEXT),
}
ASGI_CONTENDERS: dict[str, Contender] = {
    "direct": direct_asgi,
    "lambdaworks": lambda e: lambda: LW_ASGI(e, CONTEXT),
    "mangum": lambda e: lambda: MANGUM(e, CONTEXT),
}


LW_WSGI_BARE = lambdaworks.handler(bare_wsgi)
LW_ASGI_BARE = lambdaworks.handler(bare_asgi, lifespan="off")
APIG_BARE = apig_wsgi.make_lambda_handler(bare_wsgi, binary_support=True)
MANGUM_BARE = Mangum(bare_asgi, lifespan="off")

BARE_WSGI_CONTENDERS: dict[str, Contender] = {
    "direct": lambda e: direct_wsgi(e, bare_wsgi),
    "lambdaworks": lambda e: lambda: LW_WSGI_BARE(e, CONTEXT),
    "apig-wsgi": lambda e: lambda: APIG_BARE(e, CONTEXT),
    "serverless-wsgi": lambda e: lambda: serverless_wsgi.handle_request(bare_wsgi, e, CONTEXT),
}
BARE_ASGI_CONTENDERS: dict[str, Contender] = {
    "direct": lambda e: direct_asgi(e, bare_asgi),
    "lambdaworks": lambda e: lambda: LW_ASGI_BARE(e, CONTEXT),
    "mangum": lambda e: lambda: MANGUM_BARE(e, CONTEXT),
}


def after(first: Contender, make: Contender) -> Contender:
    """``make``'s call, each time right after ``first``'s: what the caches leave after a framework ran."""

    def build(event: dict[str, Any]) -> Callable[[], Any]:
        before, call = first(event), make(event)

        def both() -> Any:
            before()
            return call()

        return both

    return build


#: The bare-app adapters again, each call following a direct Flask request: the same work as in
#: the bare table, measured in the state a real request leaves the CPU in (cold caches and branch
#: history), which is what the Flask table's overhead is made of.
AFTER_FLASK_CONTENDERS = {name: after(direct_wsgi, make) for name, make in BARE_WSGI_CONTENDERS.items()}


def check_same_answer(contenders: dict[str, Contender], event: dict[str, Any]) -> None:
    """Every adapter must return the same body bytes, or the comparison is meaningless."""
    from lambdaworks.testing import decode_result

    bodies = {}
    for name, make in contenders.items():
        if name == "direct":
            continue
        result = make(event)()
        bodies[name] = decode_result(result)[2]
    if len(set(bodies.values())) != 1:
        raise SystemExit(f"adapters disagree on the response body: { {k: len(v) for k, v in bodies.items()} }")


def measure(
    contenders: dict[str, Contender],
    rounds: int,
    calls: int,
    requests: tuple[str, ...] = tuple(REQUESTS),
) -> dict[tuple[str, str], dict[str, float]]:
    """Median over rounds of the mean µs per call, for each (source, request) and contender."""
    table: dict[tuple[str, str], dict[str, float]] = {}
    for source in SOURCES:
        for request_name in requests:
            event = make_event(source, request_name)
            check_same_answer(contenders, event)
            calls_by_name = {name: make(event) for name, make in contenders.items()}
            samples: dict[str, list[float]] = {name: [] for name in contenders}
            for fn in calls_by_name.values():  # warm up
                for _ in range(20):
                    fn()
            for _ in range(rounds):
                for name, fn in calls_by_name.items():
                    start = time.perf_counter_ns()
                    for _ in range(calls):
                        fn()
                    samples[name].append((time.perf_counter_ns() - start) / calls / 1000)
            table[(source, request_name)] = {name: statistics.median(v) for name, v in samples.items()}
    return table


def opcodes_per_call(fn: Callable[[], Any]) -> int:
    """Python bytecodes one call executes (deterministic, unlike time on a shared VM)."""
    fn()  # warm caches (routing maps, memoised keys)
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def opcode_table(
    contenders: dict[str, Contender],
) -> dict[tuple[str, str], dict[str, float]]:
    """Bytecodes per call for each (source, request) and contender."""
    return {
        (source, request_name): {
            name: float(opcodes_per_call(make(make_event(source, request_name)))) for name, make in contenders.items()
        }
        for source in SOURCES
        for request_name in REQUESTS
    }


def base64_cost(calls: int = 200) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        base64.b64encode(PNG).decode()
    return (time.perf_counter_ns() - start) / calls / 1000


def import_cost(module: str, runs: int = 9) -> float:
    """Median cumulative -X importtime of ``module`` in fresh interpreters, in ms."""
    values = []
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stderr
        total = 0
        for line in out.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                total = int(parts[1])
        values.append(total / 1000)
    return statistics.median(values)


def interpreter_cost(runs: int = 9) -> tuple[float, float]:
    """Median wall ms of ``python -c pass`` and ``python -c 'import lambdaworks'``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare, ours = [], []
    for _ in range(runs):
        for code, into in (("pass", bare), ("import lambdaworks", ours)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            into.append((time.perf_counter() - start) * 1000)
    return statistics.median(bare), statistics.median(ours)


def print_table(
    title: str, table: dict[tuple[str, str], dict[str, float]], peers: list[str], unit: str = "µs (median of rounds)"
) -> None:
    print(f"\n{title}: overhead above the direct app call, {unit}; ratio = peer / lambdaworks")
    header = f"{'source':<10} {'request':<13} {'direct':>8} {'lambdaworks':>12}" + "".join(
        f" {p:>16} {'ratio':>6}" for p in peers
    )
    print(header)
    print("-" * len(header))
    for (source, request_name), row in table.items():
        floor = row["direct"]
        ours = row["lambdaworks"] - floor
        cells = f"{source:<10} {request_name:<13} {floor:>8.1f} {ours:>12.1f}"
        for peer in peers:
            theirs = row[peer] - floor
            ratio = theirs / ours if ours > 0.5 else float("inf")
            cells += f" {theirs:>16.1f} {ratio:>6.2f}"
        print(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "lambdaworks"), quiet=1)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, rounds={args.rounds} calls/round={args.calls}")
    wsgi_peers, asgi_peers = ["apig-wsgi", "serverless-wsgi"], ["mangum"]
    print_table("WSGI (Flask)", opcode_table(WSGI_CONTENDERS), wsgi_peers, "Python bytecodes executed")
    print_table("ASGI (Starlette)", opcode_table(ASGI_CONTENDERS), asgi_peers, "Python bytecodes executed")
    print_table("WSGI (Flask)", measure(WSGI_CONTENDERS, args.rounds, args.calls), wsgi_peers)
    print_table("ASGI (Starlette)", measure(ASGI_CONTENDERS, args.rounds, args.calls), asgi_peers)
    get_json = ("GET json",)
    print_table("WSGI (bare app)", measure(BARE_WSGI_CONTENDERS, args.rounds, args.calls, get_json), wsgi_peers)
    print_table("ASGI (bare app)", measure(BARE_ASGI_CONTENDERS, args.rounds, args.calls, get_json), asgi_peers)
    after_flask = measure(AFTER_FLASK_CONTENDERS, args.rounds, args.calls, get_json)
    print_table("WSGI (bare app, each call right after a Flask request)", after_flask, wsgi_peers)
    print(f"\nbase64 of the 97 KB png alone: {base64_cost():.1f} µs")
    print("\nimport cost (-X importtime cumulative, ms, median of 9 fresh interpreters; ratio = peer / lambdaworks)")
    ours = import_cost("lambdaworks")
    print(f"{'lambdaworks':<16} {ours:>7.2f}")
    for module, label in (("mangum", "mangum"), ("apig_wsgi", "apig-wsgi"), ("serverless_wsgi", "serverless-wsgi")):
        theirs = import_cost(module)
        print(f"{label:<16} {theirs:>7.2f}  ratio {theirs / ours:.1f}")
    bare, with_us = interpreter_cost()
    print(
        f"\npython -c pass: {bare:.1f} ms; python -c 'import lambdaworks': {with_us:.1f} ms (+{with_us - bare:.1f} ms)"
    )


if __name__ == "__main__":
    main()
