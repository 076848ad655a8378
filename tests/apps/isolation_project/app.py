import ctypes
import os
import sys


def handler(event, context):
    libc = ctypes.CDLL(None)
    signal_number = ctypes.c_int(0)
    libc.prctl(2, ctypes.byref(signal_number), 0, 0, 0)  # PR_GET_PDEATHSIG
    return {
        "variables": sorted(os.environ),
        "dumpable": libc.prctl(3, 0, 0, 0, 0) if sys.platform.startswith("linux") else None,  # PR_GET_DUMPABLE
        "death_signal": signal_number.value,
        "pid": os.getpid(),
    }
