import logging

logger = logging.getLogger("orders")
logging.getLogger().warning("imported")  # during init: no request yet


def handler(event, context):
    logger.debug("debug detail")  # below the root logger's level unless ApplicationLogLevel lowers it
    logger.warning("order %s is late", "o-1", extra={"order": "o-1"})
    try:
        raise ValueError("bad order")
    except ValueError:
        logger.exception("failed")
    return {"request_id": context.aws_request_id}
