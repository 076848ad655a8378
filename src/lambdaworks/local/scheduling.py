"""How an environment's process shares the CPU with the emulator.

Every request passes through the gateway, one process; the function's code runs in as many
environments as requests run at once. On a busy machine the gateway must not wait behind function
code, or every environment waits for it in turn. On AWS the front door never shares a core with a
function. Measured on two cores, eight Flask environments at c=8: the gateway was preempted about
once a request by the environment it had just woken, then queued ~250 µs for the CPU. That was
36% of its time, and up to 14% of the machine sat idle.

So an environment runs a little below the emulator (``nice`` +ENVIRONMENT_NICENESS), and on Linux
as a batch process (``SCHED_BATCH``): woken, it does not preempt the process running (most often
the gateway, which has just handed it an invocation and has more to do). Measured against ``nice``
alone, Flask at c=8 on two cores: +3% req/s, the mean of seven alternating rounds (ahead in five);
c=1 the same.

It also stays in the emulator's session, in a process group of its own. Linux's autogroup (on by
default on desktops) shares the CPU between sessions before it looks at ``nice``. An environment in
a session of its own weighed as much as the whole gateway, whatever its niceness. (Lowering each
session's own weight through ``/proc/PID/autogroup`` is no way out: the kernel takes one such write
per 100 ms from a user without CAP_SYS_ADMIN, ``kernel/sched/autogroup.c``, and environments start
together.) Its own process group keeps what the group needs: ``killpg`` ends the function's
children with it, and Ctrl-C at the terminal reaches the emulator alone, which stops its
environments itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

#: How much lower than the emulator's an environment's CPU priority is (``nice``; 5: a third of the
#: emulator's weight, where 0 left the machine 8-11% idle at c=8 and 10 gave less than 5).
ENVIRONMENT_NICENESS = 5


def group_options() -> dict[str, Any]:
    """``subprocess.Popen`` arguments that start a process in a group of its own, in our session.
    Python 3.11's ``process_group`` runs no Python code between fork and exec (so the fork is safe
    beside the emulator's threads, and may be a vfork)."""
    if os.name != "posix":
        return {}
    if sys.version_info >= (3, 11):
        return {"process_group": 0}
    return {"preexec_fn": os.setpgrp}  # a C function alone: 3.10 has no process_group


def lower_priority(pid: int) -> None:
    """Run the new process ``pid`` ENVIRONMENT_NICENESS below our priority, as a batch process where
    Linux has them (from the parent, just after it starts: the few microseconds before count for nothing)."""
    with contextlib.suppress(OSError, AttributeError):  # a sandbox that forbids it; a system without it
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + ENVIRONMENT_NICENESS)
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(pid, os.SCHED_BATCH, os.sched_param(0))  # keeps the niceness
