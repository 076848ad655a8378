"""Fails at import, as a module whose init reaches a database that is not there."""

raise ConnectionError("no database at import time")
