"""Needs a package the function did not ship: the classic Runtime.ImportModuleError."""

import requests_that_were_never_installed  # noqa: F401


def handler(event: dict, context: object) -> dict:
    return event
