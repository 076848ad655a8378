"""Event factories (re-exported from :mod:`lambdaworks.local.events`, which the gateway shares)."""

from lambdaworks.local.events import *  # noqa: F403
from lambdaworks.local.events import __all__ as _all

__all__ = list(_all)
