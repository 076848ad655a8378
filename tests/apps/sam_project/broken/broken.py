"""A function whose init fails: importing it raises."""

raise RuntimeError("cannot connect to the database at import time")
