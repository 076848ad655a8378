"""``lambdaworks dev``'s head start: the first function a request reaches starts its environment
before the emulator imports the rest of itself.

A fresh ``dev`` spends most of its start importing (asyncio, the gateway, the async store, the
services), and the first function's init is mostly Python importing too. In turn they took one core
each after the other while the second sat idle. Started here, from the project alone, the init runs
beside the emulator's imports; the emulator adopts the process when its loop runs (the Runtime
API's sockets listen from the start, so the process may connect before anyone serves them).
"""

from __future__ import annotations

from lambdaworks.local.debugging import is_debugged
from lambdaworks.local.launch import Launched, launch
from lambdaworks.local.variables import HostVariables
from lambdaworks.project.model import Project


def http_functions(project: Project) -> list[str]:
    """The functions a browser or curl reaches first: behind routes (in their order), then URLs."""
    named = [route.function for route in project.routes]
    named += [name for name, function in project.functions.items() if function.url is not None]
    return list(dict.fromkeys(named))


def startable(project: Project, name: str) -> bool:
    """Whether a prewarm starts ``name``: it exists, runs here, and not under a debugger (whose
    environment waits for the IDE)."""
    function = project.functions.get(name)
    return function is not None and not function.unsupported and not is_debugged(function)


def head_start(project: Project, host: HostVariables) -> Launched | None:
    """Start the environment of the first function :func:`http_functions` names that can start;
    None when there is none, or it could not start (the prewarm tries again, and says why)."""
    for name in http_functions(project):
        if startable(project, name):
            try:
                return launch(project.functions[name], host)
            except OSError:
                return None
    return None
