"""An execution environment's variables: what Lambda sets, the function's own, and from the
developer's shell only a short, documented allow-list.

A function sees on Lambda its reserved variables and its configuration's, nothing of the machine
that deployed it; locally, code that reads ``DATABASE_URL`` or a token from the shell would work
and then fail on Lambda, and any dependency could read the developer's secrets. So only what a
process needs to run and reach the network passes (:data:`ALLOWED`); AWS credentials pass only
with ``--pass-aws-credentials`` (to call real AWS, as ``sam local`` does); ``--pass-env NAME``
passes more.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from lambdaworks.local.debuggee import DEBUGGER_VARIABLE, PYCHARM
from lambdaworks.local.debugging import is_debugged
from lambdaworks.project import Project, layout
from lambdaworks.project.model import Function
from lambdaworks.runtime.bootstrap import PARENT_VARIABLE
from lambdaworks.runtime.context import new_request_id
from lambdaworks.runtime.readonly import BYTECODE_VARIABLE
from lambdaworks.wire.common import REGION

#: Passed from the shell: locale, time zone, proxies and certificate bundles (a corporate proxy's).
ALLOWED = (
    "LANG",
    "LANGUAGE",
    "TZ",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "AWS_CA_BUNDLE",
    "SYSTEMROOT",
)
ALLOWED_PREFIXES = ("LC_",)
#: What --pass-aws-credentials adds: the credentials in the shell, or where the SDKs find them.
AWS_CREDENTIALS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "HOME",  # ~/.aws/credentials and ~/.aws/config
)
#: The local services' dummy credentials, given to every function while they run.
SERVICE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "lambdaworks", "AWS_SECRET_ACCESS_KEY": "lambdaworks"}
#: Set by the function's LoggingConfig only, never from the shell.
LOG_VARIABLES = ("AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL")


@dataclass(frozen=True)
class HostVariables:
    """Which of the shell's variables reach the functions."""

    pass_env: tuple[str, ...] = ()
    pass_aws_credentials: bool = False
    given: tuple[tuple[str, str], ...] = ()  # what the emulator itself gives every function (its caches)

    def giving(self, **variables: str) -> HostVariables:
        """These settings, and ``variables`` set in every function (under the function's own)."""
        return replace(self, given=(*self.given, *variables.items()))

    def take(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The shell's variables a function gets."""
        names = (*ALLOWED, *self.pass_env, *(AWS_CREDENTIALS if self.pass_aws_credentials else ()))
        taken = {name: environ[name] for name in names if name in environ}
        taken.update((k, v) for k, v in environ.items() if k.startswith(ALLOWED_PREFIXES))
        return taken

    def describe(self, environ: Mapping[str, str]) -> str:
        """The start-up line saying what the functions get from the shell."""
        passed = sorted(self.take(environ))
        credentials = (
            "AWS credentials from this shell (--pass-aws-credentials)"
            if self.pass_aws_credentials
            else "no AWS credentials (--pass-aws-credentials to call real AWS)"
        )
        shown = ", ".join(passed) if passed else "nothing"
        return f"functions get from this shell: {shown}; {credentials}; --pass-env NAME passes another variable"


DEFAULT_HOST = HostVariables()


def local_variables(project: Project, host: HostVariables, services_port: int | None = None) -> HostVariables:
    """``host`` with what the emulator gives each of ``project``'s functions: the bytecode of its code
    goes to the project's ``.lambdaworks/``, never into the code folder; when the project has AWS
    resources, the endpoint of the local services on ``services_port`` and dummy credentials
    (unless the user passes real ones with ``--pass-aws-credentials``)."""
    given = {BYTECODE_VARIABLE: str(layout.pycache_dir(project.root))}
    if services_port is not None and project.services and not host.pass_aws_credentials:
        given.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{services_port}", **SERVICE_CREDENTIALS)
    return host.giving(**given)


def debugger_path(function: Function) -> str:
    """The folder the function's debugger (debugpy, or PyCharm's pydevd) is installed in, for a
    function run from its build under --debug."""
    import importlib.util

    module = "pydevd_pycharm" if function.environment.get(DEBUGGER_VARIABLE) == PYCHARM else "debugpy"
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return ""
    package = Path(spec.origin).parent  # debugpy is a package; pydevd_pycharm a module beside its own
    return str(package.parent if spec.submodule_search_locations else package)


def process_environment(function: Function, runtime_api: str, host: HostVariables = DEFAULT_HOST) -> dict[str, str]:
    """The variables Lambda sets, over the shell's allowed ones, under the function's own."""
    layers = [str(p / "python") for p in function.layers] + [
        str(p / "python" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages")
        for p in function.layers
    ]
    existing = os.environ.get("PYTHONPATH")
    if function.packaged:  # a built package runs on what it ships plus what Lambda's runtime has
        from lambdaworks.local.packaged import bootstrap_path, runtime_path

        python_path = os.pathsep.join([str(function.code_uri), *layers, *runtime_path(), bootstrap_path()])
        if is_debugged(function):  # dev --debug: the package does not ship the debugger
            python_path += os.pathsep + debugger_path(function)
    else:
        python_path = os.pathsep.join([str(function.code_uri), *layers, *([existing] if existing else [])])
    # Lambda's PATH starts with the runtime's own bin (/var/lang/bin) and ends with /opt/bin (layers):
    # a custom runtime's `python3` is the emulator's interpreter, a layer's `bin/` tools are found.
    path = os.pathsep.join(
        [
            str(Path(sys.executable).parent),
            os.environ.get("PATH", os.defpath),
            *(str(p / "bin") for p in function.layers),
        ]
    )
    stream = time.strftime("%Y/%m/%d") + "/[$LATEST]" + new_request_id().replace("-", "")
    env = host.take(os.environ)
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_RUNTIME_API": runtime_api,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_REGION": os.environ.get("AWS_REGION", REGION),
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", REGION),
            "LAMBDA_TASK_ROOT": str(function.code_uri),
            "LAMBDA_RUNTIME_DIR": str(Path(sys.executable).parent),
            "_HANDLER": function.handler,
            "PYTHONPATH": python_path,
            "PATH": path,
            "PYTHONUNBUFFERED": "1",
            "AWS_SAM_LOCAL": "true",  # what `sam local` sets: code that checks it behaves the same here
            "LAMBDAWORKS_LOCAL": "1",
            PARENT_VARIABLE: str(os.getpid()),  # the bootstrap dies with the emulator
        }
    )
    if function.packaged:
        env["_LAMBDAWORKS_BOOTSTRAP_PATH"] = bootstrap_path()
    for name in LOG_VARIABLES:  # the function's LoggingConfig sets them, never the emulator's shell
        env.pop(name, None)
    env.update(host.given)
    if function.is_provided and BYTECODE_VARIABLE in env:  # not our bootstrap: Python's own prefix, for all of it
        env["PYTHONPYCACHEPREFIX"] = env.pop(BYTECODE_VARIABLE)
    if function.log_format.upper() == "JSON":  # what Lambda sets for LoggingConfig.LogFormat: JSON
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        if function.log_level:
            env["AWS_LAMBDA_LOG_LEVEL"] = function.log_level.upper()
    env.update(function.environment)
    return env
