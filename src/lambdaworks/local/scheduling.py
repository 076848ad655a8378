"""How an environment's process shares the CPU with the emulator.

Every request passes through the gateway, one process; the function's code runs in as many
environments as requests run at once. On a busy machine the gateway must not wait behind function
code, or every environment waits for it in turn. On AWS the front door never shares a core with a
function. Measured on two cores, eight Flask environments at c=8: the gateway was preempted about
once a request by the environment it had just woken, then queued ~250 µs for the CPU. That was
36% of its time, and up to 14% of the machine sat idle.

So an environment runs a little below the emulator (``nice`` +ENVIRONMENT_NICENESS). It also stays
in the emulator's session, in a process group of its own. Linux's autogroup (on by default on
desktops) shares the CPU between sessions before it looks at ``nice``. An environment in a session
of its own weighed as much as the whole gateway, whatever its niceness. (Lowering each session's
own weight through ``/proc/PID/autogroup`` is no way out: the kernel takes one such write per 100 ms
from a user without CAP_SYS_ADMIN, ``kernel/sched/autogroup.c``, and environments start together.)
Its own process group keeps what the group needs: ``killpg`` ends the function's children with it,
and Ctrl-C at the terminal reaches the emulator alone, which stops its environments itself.
"""

from __future__ import annotations

import contextlib
import os

#: How much lower than the emulator's an environment's CPU priority is (``nice``; 5: a third of the
#: emulator's weight, where 0 left the machine 8-11% idle at c=8 and 10 gave less than 5).
ENVIRONMENT_NICENESS = 5


def environment_process() -> None:
    """Run in a new environment's process before it execs (``preexec_fn``): its own process group,
    in the emulator's session, at a lower priority."""
    os.setpgrp()
    with contextlib.suppress(OSError):  # a sandbox that forbids it: the environment runs at our priority
        os.nice(ENVIRONMENT_NICENESS)
