"""The reloader's watcher on its own: real files, real watchfiles (or stat polling), no emulator."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lambdaworks.local.live import LiveProject
from lambdaworks.local.reload import Reloader
from lambdaworks.project import Project, load_project
from tests.local.conftest import PROJECT


def project_in(tmp_path: Path) -> Project:
    folder = tmp_path / "project"
    shutil.copytree(PROJECT, folder)
    return load_project(folder)


def moved(project: Project, name: str, code: Path) -> Project:
    """``project`` with ``name``'s code in ``code`` (as a template edit would move it)."""
    functions = dict(project.functions)
    functions[name] = dataclasses.replace(functions[name], code_uri=code)
    return dataclasses.replace(project, functions=functions)


async def next_change(heard: asyncio.Queue[tuple[set[str], bool]], touch: Path) -> tuple[set[str], bool]:
    """Write ``touch`` until the reloader reports a change (the watcher may still be starting)."""
    for attempt in range(100):
        touch.write_text(f"# edit {attempt}\n")
        try:
            return await asyncio.wait_for(heard.get(), 0.2)
        except asyncio.TimeoutError:
            continue
    raise AssertionError(f"no change reported for {touch}")


@pytest.mark.parametrize("polling", [False, True], ids=["watchfiles", "polling"])
def test_the_watcher_follows_code_the_template_moves_out_of_the_watched_folders(tmp_path: Path, polling: bool) -> None:
    project = project_in(tmp_path)
    elsewhere = tmp_path / "elsewhere"  # outside every folder watched so far
    shutil.copytree(project.functions["Echo"].code_uri, elsewhere)
    live = LiveProject(project)

    async def scenario() -> list[tuple[set[str], bool]]:
        heard: asyncio.Queue[tuple[set[str], bool]] = asyncio.Queue()

        async def on_change(functions: set[str], template: bool) -> None:
            if template:  # what the emulator does: the reloaded template now has Echo's code elsewhere
                live.replace(moved(live.current, "Echo", elsewhere))
            heard.put_nowait((functions, template))

        reloader = Reloader(live, on_change, force_polling=polling, interval=0.02)
        task = asyncio.create_task(reloader.run())
        try:
            seen = [await next_change(heard, project.root / "template.yaml")]
            seen.append(await next_change(heard, elsewhere / "added.py"))
        finally:
            reloader.stop.set()
            task.cancel()
        return seen

    first, second = asyncio.run(scenario())
    assert first[1] is True
    assert "Echo" in second[0]
    assert second[1] is False


def test_a_watched_folder_that_vanishes_falls_back_to_polling(tmp_path: Path) -> None:
    """watchfiles refuses a folder that is gone; the reloader then polls and still sees it come back."""
    project = project_in(tmp_path)
    code = tmp_path / "later"  # does not exist yet: the watcher cannot start on it
    live = LiveProject(moved(project, "Echo", code))

    async def scenario() -> tuple[set[str], bool]:
        heard: asyncio.Queue[tuple[set[str], bool]] = asyncio.Queue()

        async def on_change(functions: set[str], template: bool) -> None:
            heard.put_nowait((functions, template))

        reloader = Reloader(live, on_change, interval=0.02)
        task = asyncio.create_task(reloader.run())
        await asyncio.sleep(0.2)
        code.mkdir()
        try:
            return await next_change(heard, code / "fns.py")
        finally:
            reloader.stop.set()
            task.cancel()

    functions, template = asyncio.run(scenario())
    assert functions == {"Echo"}
    assert template is False


WATCH_ONCE = """
import asyncio, sys
from pathlib import Path
from lambdaworks.local.live import LiveProject
from lambdaworks.local.reload import Reloader
from lambdaworks.project import load_project

live = LiveProject(load_project(Path(sys.argv[1])))

async def main():
    heard = asyncio.Event()
    async def on_change(functions, template):
        heard.set()
    reloader = Reloader(live, on_change)
    task = asyncio.create_task(reloader.run())
    for attempt in range(100):
        (live.current.root / "template.yaml").write_text(f"# edit {attempt}\\n" + TEMPLATE)
        try:
            await asyncio.wait_for(heard.wait(), 0.2)
            break
        except asyncio.TimeoutError:
            pass
    reloader.stop.set()
    task.cancel()
    print(heard.is_set(), "anyio._backends._asyncio" in sys.modules)

TEMPLATE = (live.current.root / "template.yaml").read_text()
asyncio.run(main())
"""


def test_watching_does_not_import_anyios_backend(tmp_path: Path) -> None:
    """watchfiles' ``awatch`` would import anyio's backend (~45 ms) on the emulator's loop at start."""
    project = project_in(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", WATCH_ONCE, str(project.root)], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "False"]


@pytest.mark.parametrize("polling", [False, True], ids=["watchfiles", "polling"])
def test_a_file_saved_once_start_returns_is_seen(tmp_path: Path, polling: bool) -> None:
    """``dev`` says Ready after ``start``: a save the moment after is not lost while the watcher
    (in its thread) is still importing watchfiles or setting itself up."""
    project = project_in(tmp_path)
    live = LiveProject(project)

    async def scenario() -> tuple[set[str], bool]:
        heard: asyncio.Queue[tuple[set[str], bool]] = asyncio.Queue()

        async def on_change(functions: set[str], template: bool) -> None:
            heard.put_nowait((functions, template))

        reloader = Reloader(live, on_change, force_polling=polling, interval=0.02)
        task = await reloader.start()
        try:
            (project.functions["Echo"].code_uri / "fns.py").write_text("# saved once\n")
            return await asyncio.wait_for(heard.get(), 5)
        finally:
            reloader.stop.set()
            task.cancel()

    assert asyncio.run(scenario()) == ({"Echo", "Crashy", "Hungry", "Results", "Single", "Sleepy"}, False)
