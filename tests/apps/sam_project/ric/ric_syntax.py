"""A module with a syntax error: the runtime names the file and line."""

def handler(event, context)
    return event
