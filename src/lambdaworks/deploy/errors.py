"""The one error deploy commands report: a message for the user, no traceback."""

from __future__ import annotations


class DeployError(Exception):
    """Something the user must change (a flag, the config, the template) or AWS refused."""
