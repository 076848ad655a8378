"""The services process: moto's server on the endpoint, the template's resources, the wiring.

Started by ``lambdaworks dev`` as ``python -m lambdaworks.services --port P --invoke-url URL
--spec FILE``. It prints one line, ``READY``, once the endpoint answers and the resources exist,
and runs until SIGTERM or SIGINT (or until the emulator that started it is gone).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from lambdaworks.services.front import Watch
from lambdaworks.services.spec import Spec
from lambdaworks.services.state import StateKeeper
from lambdaworks.wire.common import REGION

READY = "READY"
_session: Any = None
_session_lock = threading.Lock()
CREDENTIALS = {"aws_access_key_id": "lambdaworks", "aws_secret_access_key": "lambdaworks"}


def log(message: str) -> None:
    print(message, flush=True)


def serve(host: str, port: int, keeper: StateKeeper) -> Any:
    """moto's WSGI application on a threaded server (the one ``moto_server`` runs), watched for changes."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("MOTO_PORT", str(port))
    server = make_server(
        host,
        port,
        Watch(DomainDispatcherApplication(create_backend_app), keeper),
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    threading.Thread(target=server.serve_forever, name="endpoint", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lambdaworks.services")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--invoke-url", required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--state", type=Path, required=True, help="where the services' contents are kept")
    parser.add_argument("--fresh", action="store_true", help="start every service empty")
    args = parser.parse_args(argv)

    stop = threading.Event()  # the pollers and the state keeper stop; pending notifications are sent first
    ending = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: ending.set())
    spec = Spec.loads(args.spec.read_text())

    from lambdaworks.services.wiring import Wiring

    keeper = StateKeeper(args.state, log)
    if args.fresh:
        StateKeeper.forget(args.state)
    restored = keeper.restore()
    if restored:
        log(f"kept from the last run: {', '.join(restored)} (--fresh starts empty)")
    server = serve(args.host, args.port, keeper)
    endpoint = f"http://127.0.0.1:{server.server_port}"
    wiring = Wiring(spec, endpoint, args.invoke_url, stop, log, keeper)
    wiring.start()
    print(f"{READY} {json.dumps({'port': server.server_port})}", flush=True)
    wiring.start_sources()
    saver = threading.Thread(target=keeper.run, args=(stop,), name="state", daemon=True)
    saver.start()
    parent = os.getppid()
    while not ending.wait(0.5):
        if os.getppid() != parent:  # the emulator is gone: so are we
            break
    wiring.close()
    server.shutdown()
    stop.set()
    saver.join(10)  # the last changes are written
    sys.exit(0)


def client(service: str, endpoint: str) -> Any:
    """A boto3 client of the local endpoint (dummy credentials, no retries)."""
    global _session
    import boto3
    from botocore.config import Config

    with _session_lock:  # one session: its loaded models serve every client (a new one costs 0.15 s)
        if _session is None:
            _session = boto3.session.Session()
        return _session.client(
            service,
            endpoint_url=endpoint,
            region_name=REGION,
            config=Config(retries={"max_attempts": 2}),
            **CREDENTIALS,
        )
