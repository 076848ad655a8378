"""``lambdaworks.testing`` is imported by users' test suites: it must load no emulator, no project
loader and no third-party package (PyYAML, click, rich), as the runtime adapter loads none."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import sys
before = set(sys.modules)
import lambdaworks.testing
print(__import__("json").dumps(sorted(set(sys.modules) - before)))
"""

ALLOWED_PACKAGES = ("lambdaworks.__about__", "lambdaworks.runtime", "lambdaworks.testing", "lambdaworks.wire")


def test_importing_the_test_helpers_loads_only_the_wire_formats_and_the_stdlib() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True).stdout
    loaded = json.loads(out)
    ours = [m for m in loaded if m.startswith("lambdaworks.")]
    assert ours, "the probe imported nothing of ours"
    assert [m for m in ours if not m.startswith(ALLOWED_PACKAGES)] == []
    third_party = {m.split(".")[0] for m in loaded} - set(sys.stdlib_module_names) - {"lambdaworks"}
    assert third_party == set()
