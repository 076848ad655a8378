"""Environments per function: warm reuse, growth up to the concurrency limit, replacement.

``invoke`` takes an idle environment (warm), or starts one (cold) while under the function's
concurrency, or throttles: :class:`Throttled` at once, or after waiting up to ``wait`` seconds
for one to free up (the gateway waits; the Invoke API does not, as in AWS).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lambdaworks.local.environment import Environment
from lambdaworks.local.invocation import Invocation, Outcome
from lambdaworks.local.launch import Launched
from lambdaworks.local.variables import DEFAULT_HOST, HostVariables
from lambdaworks.project.model import Function


class Throttled(Exception):
    """Every environment of the function is busy and it is at its concurrency limit."""

    def __init__(self, function: str, limit: int) -> None:
        super().__init__(f"{function} is at its concurrency limit of {limit}")
        self.function = function
        self.limit = limit


class FunctionPool:
    """The environments of one function."""

    def __init__(
        self,
        function: Function,
        on_output: Callable[[str, str, str | None], None],
        host: HostVariables = DEFAULT_HOST,
    ) -> None:
        self.function = function
        self.on_output = on_output
        self.host = host
        self.idle: list[Environment] = []
        self.busy: set[Environment] = set()
        self.freed = asyncio.Condition()
        self.waiting = 0  # callers queued for an environment (the gateway's bounded wait)
        self.prewarming: asyncio.Future[None] | None = None  # set while a prewarmed process starts
        self.generation = 0

    @property
    def size(self) -> int:
        return len(self.idle) + len(self.busy)

    def take(self) -> Environment | None:
        """The last idle environment if it is alive and initialised (no await: the warm path is plain
        calls); else :meth:`acquire` ends the dead ones, waits for an init or starts what is needed."""
        idle = self.idle
        if idle and idle[-1].alive and idle[-1].api.initialised:
            env = idle.pop()
            self.busy.add(env)
            return env
        return None

    async def acquire(self, wait: float = 0.0) -> Environment:
        """A warm environment, else a new one; raises :class:`Throttled`."""
        deadline: float | None = None  # set when first needed: the warm path asks for no clock
        while True:
            while self.idle:
                env = self.idle.pop()
                if env.alive:
                    self.busy.add(env)
                    return env
                await env.kill()
            if self.prewarming is not None:  # an environment started for the first invocation: take it
                await asyncio.shield(self.prewarming)
                continue
            if self.size < self.function.concurrency:
                env = Environment(self.function, self.on_output, self.host)
                self.busy.add(env)
                try:
                    await env.start()
                except BaseException:
                    self.busy.discard(env)
                    raise
                return env
            loop = asyncio.get_running_loop()
            deadline = loop.time() + wait if deadline is None else deadline
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise Throttled(self.function.name, self.function.concurrency)
            async with self.freed:
                self.waiting += 1
                try:
                    await asyncio.wait_for(self.freed.wait(), remaining)
                except asyncio.TimeoutError:
                    raise Throttled(self.function.name, self.function.concurrency) from None
                finally:
                    self.waiting -= 1

    def give_back(self, env: Environment, generation: int) -> bool:
        """Make ``env`` idle again after an invocation; False when :meth:`release` has work to await
        (ending a retired or dead environment, waking a queued caller)."""
        if self.waiting or not env.alive or generation != self.generation:
            return False
        self.busy.discard(env)
        self.idle.append(env)
        return True

    async def release(self, env: Environment, generation: int) -> None:
        self.busy.discard(env)
        if env.alive and generation == self.generation:
            self.idle.append(env)
        else:
            await env.kill("retired")
        if self.waiting:  # the warm path takes no lock: only a throttled caller needs waking
            async with self.freed:
                self.freed.notify()

    async def invoke(self, invocation: Invocation, wait: float = 0.0) -> Outcome:
        generation = self.generation
        env = self.take()
        if env is None:
            env = await self.acquire(wait)
        try:
            outcome = await env.invoke(invocation)
        except BaseException:
            await self.release(env, generation)
            raise
        if not self.give_back(env, generation):
            await self.release(env, generation)
        return outcome

    async def retire(self, function: Function | None = None, prewarm: bool = True) -> None:
        """Code changed: one fresh environment starts right away (init runs while you switch to the
        browser), idle environments go now, all at once, and busy ones when their invocation ends."""
        self.generation += 1
        if function is not None:
            self.function = function
        had_any = bool(self.idle or self.busy)
        idle, self.idle = self.idle, []
        if prewarm and had_any:  # the replacement first: its init overlaps the old ones' ends
            await self.prewarm()
        await asyncio.gather(*(env.kill("retired") for env in idle))

    async def prewarm(self, first: bool = False, launched: Launched | None = None) -> Environment | None:
        """Start an environment before an invocation asks for one (its init runs now): idle at once,
        so the first invocation takes it and waits only for what is left of its init (one that comes
        while its process starts waits for that too, rather than starting another). ``first``: only
        if the function has no environment yet (at the emulator's start, an invocation may have come
        first). ``launched``: adopt this process, started already (else it is ended)."""
        if self.size >= self.function.concurrency or (first and self.size):
            if launched is not None:
                launched.abandon()
            return None
        generation = self.generation
        env = Environment(self.function, self.on_output, self.host)
        self.busy.add(env)  # counted while its process starts
        started = self.prewarming = asyncio.get_running_loop().create_future()
        try:
            await env.start(launched)
        finally:
            self.busy.discard(env)
            started.set_result(None)  # its waiters run after it is idle (below): callbacks come later
            if self.prewarming is started:
                self.prewarming = None
        if generation != self.generation:  # retired while it started
            await env.kill("retired")
            return None
        self.idle.append(env)
        return env

    async def close(self) -> None:
        for env in [*self.idle, *self.busy]:
            await env.kill("shutdown")
        self.idle.clear()
        self.busy.clear()
