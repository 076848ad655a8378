"""The emulator: binds the gateway, Invoke API and function URL ports, owns the live project, the
invoker and the async delivery, starts the local AWS services, reloads on change, shuts down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket

from lambdaworks.local.config import EmulatorConfig
from lambdaworks.local.delivery import AsyncDelivery
from lambdaworks.local.destinations import ServiceSender
from lambdaworks.local.function_urls import FunctionUrlFront
from lambdaworks.local.gateway import Gateway
from lambdaworks.local.headstart import http_functions
from lambdaworks.local.http import drop_unanswered, serve
from lambdaworks.local.invoke_api import InvokeApi
from lambdaworks.local.invoker import Invoker
from lambdaworks.local.launch import Launched
from lambdaworks.local.leftovers import ProcessRecord, end_leftovers
from lambdaworks.local.live import LiveProject
from lambdaworks.local.logs import Logs
from lambdaworks.local.reaper import adopt_orphans, end_adopted
from lambdaworks.local.reload import Reloader
from lambdaworks.local.scheduler import Scheduler
from lambdaworks.local.services import ServicesProcess
from lambdaworks.local.sockets import bind
from lambdaworks.local.store import Store
from lambdaworks.local.variables import local_variables
from lambdaworks.project import Project, ProjectError, layout, load_project
from lambdaworks.project.env_vars import apply_env_vars
from lambdaworks.project.services import LocalServices

RECORD_EVERY = 0.5  # seconds between looks at the process tree (a few /proc reads)


class PortInUse(Exception):
    """A port the emulator must listen on is taken."""

    def __init__(self, host: str, port: int, option: str) -> None:
        super().__init__(
            f"Port {port} on {host} is in use by another program. Either stop it or pass {option} with a free port."
        )
        self.port = port


def _bind(host: str, port: int, option: str) -> socket.socket:
    """A listening socket, or :class:`PortInUse` naming the option that chose the port."""
    try:
        return bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(host, port, option) from exc
        raise


class Emulator:
    """Serves one loaded project until stopped."""

    def __init__(self, config: EmulatorConfig, project: Project, logs: Logs | None = None) -> None:
        self.config = config
        if config.debug is not None:  # debugged functions: their port, one environment, no limits
            project = config.debug.apply(project)
        self.live = LiveProject(project)  # the one holder of the project served now
        state = layout.state_dir(project.root, config.state_dir)
        logs = logs or Logs()
        self.services = (
            ServicesProcess(project, config.services_port, config.invoke_port, state, logs, config.fresh_services)
            if project.services
            else None
        )
        self.logs = logs
        self.invoker = Invoker(self.live, logs, local_variables(project, config.host_variables, config.services_port))
        self.store = Store(state)
        self.delivery = AsyncDelivery(self.invoker, self.live, logs, self.store, config.retry_delay)
        self.gateway = Gateway(self.live, self.invoker, logs, config.jwks)
        self.scheduler = Scheduler(self.delivery, self.live, logs)
        self.servers: list[asyncio.Server] = []
        self.function_urls: dict[str, int] = {}  # function -> the port of its URL
        # orphaned descendants of the functions become ours to end (only where this process is dev's own)
        self.adopting = config.adopt_orphans and adopt_orphans()
        self.record = ProcessRecord(state) if self.adopting else None
        self.stopped = asyncio.Event()
        self.reloader: Reloader | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def project(self) -> Project:
        return self.live.current

    async def start(self, head: Launched | None = None) -> tuple[int, int]:
        """Bind both ports (actionable error when taken) and start serving; returns the ports. What
        started is stopped again if it fails. ``head``: the first function's environment, started
        already (:mod:`.headstart`), for the prewarm to adopt; whoever started it ends it if the
        prewarm never gets it."""
        try:
            return await self._start(head)
        except BaseException:
            await self.close()
            raise

    async def _start(self, head: Launched | None) -> tuple[int, int]:
        if self.record is not None:
            self.end_leftovers()
        gateway_sock = _bind(self.config.host, self.config.port, "--port")
        try:
            invoke_sock = _bind(self.config.host, self.config.invoke_port, "--invoke-port")
        except Exception:
            gateway_sock.close()
            raise
        ports = gateway_sock.getsockname()[1], invoke_sock.getsockname()[1]
        if self.services is not None:  # taken? say so before anything starts
            try:
                _bind(self.config.host, self.config.services_port, "--services-port").close()
            except PortInUse:
                gateway_sock.close()
                invoke_sock.close()
                raise
            self.services.invoke_port = ports[1]
        if self.config.prewarm:  # first: their inits run while the rest starts
            self._tasks.append(asyncio.create_task(self.invoker.prewarm(http_functions(self.project), head)))
        self.servers = [
            await serve(self.gateway, gateway_sock),
            await serve(InvokeApi(self.invoker, self.live, self.delivery), invoke_sock),
        ]
        if self.services is not None:
            await self.services.start()
            self.delivery.sender = ServiceSender(self.config.services_port, lambda: self.live.current)
        await self.serve_function_urls()
        self._tasks.append(asyncio.create_task(self.delivery.run()))
        if self.config.schedules:
            self._tasks.append(asyncio.create_task(self.scheduler.run()))
        if self.record is not None:
            self._tasks.append(asyncio.create_task(self.keep_record(self.record)))
        if self.config.reload:
            self.reloader = Reloader(self.live, self.changed, force_polling=self.config.force_polling)
            self._tasks.append(await self.reloader.start())  # "Ready" means a save is seen
        return ports

    def end_leftovers(self) -> None:
        """End what an emulator killed on this state folder left running (see :mod:`.leftovers`)."""
        assert self.record is not None
        ended = end_leftovers(self.record.folder.parent)
        if ended:
            self.logs.line("lambdaworks", f"ended {len(ended)} processes left running by an emulator that was killed")

    @staticmethod
    async def keep_record(record: ProcessRecord) -> None:
        """Keep the record of this emulator's process tree current while it runs."""
        while True:
            record.refresh()
            await asyncio.sleep(RECORD_EVERY)

    async def serve_function_urls(self) -> None:
        """A port for each function with a URL (``FunctionUrlConfig``), from ``--url-port`` on."""
        named = [name for name, function in self.project.functions.items() if function.url is not None]
        for index, name in enumerate(named):
            port = self.config.url_port + index if self.config.url_port else 0
            sock = _bind(self.config.host, port, "--url-port")
            front = FunctionUrlFront(name, self.live, self.invoker)
            self.servers.append(await serve(front, sock))
            self.function_urls[name] = sock.getsockname()[1]

    async def changed(self, functions: set[str], template: bool) -> None:
        """Apply a code or template change (the reloader calls this)."""
        logs = self.logs
        if template:
            try:
                project = apply_env_vars(
                    load_project(
                        self.config.project_dir,
                        self.config.template,
                        self.config.overrides,
                        LocalServices(self.config.services_port),
                    ),
                    self.config.env_vars,
                )
            except ProjectError as exc:
                logs.line("lambdaworks", f"template not reloaded, keeping the previous one: {exc}")
                return
            if self.config.debug is not None:
                project = self.config.debug.apply(project)
            if dict(project.services) != dict(self.project.services):
                logs.line("lambdaworks", "AWS resources changed in the template: restart dev to create them locally")
            previous = self.live.replace(project)  # the gateway, function URLs and scheduler see it now
            # a function whose definition is unchanged keeps its warm environments (routes, other functions)
            functions |= {
                name
                for name in previous.functions.keys() | project.functions.keys()
                if previous.functions.get(name) != project.functions.get(name)
            }
            logs.line(
                "lambdaworks", f"template reloaded: {len(project.functions)} functions, {len(project.routes)} routes"
            )
        await self.invoker.reload(functions)
        what = "definition" if template else "code"
        for name in sorted(functions):
            logs.line(name, f"{what} changed: environments retired, the next request runs the new code")
            if self.config.debug is not None and name in self.config.debug.ports:
                logs.line(name, self.config.debug.reattach(name))

    async def run_until_stopped(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stopped.set)
        await self.stopped.wait()
        await self.close()

    async def close(self) -> None:
        if self.services is not None:  # first: no new events while the rest stops
            await self.services.close()
        if self.reloader is not None:
            self.reloader.stop.set()
        for task in self._tasks:
            task.cancel()
        for server in self.servers:
            server.close()
        await self.delivery.close()
        await self.invoker.close()
        self.store.close()
        drop_unanswered()  # no handler's coroutine is left unawaited when the loop ends
        if self.adopting:  # what functions started and left behind goes with the emulator
            end_adopted()
        if self.record is not None:
            self.record.remove()
