"""Listening sockets, made before anything serves them (the kernel queues connections meanwhile)."""

from __future__ import annotations

import socket


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; ``OSError`` (errno EADDRINUSE) when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return _listen(sock, (host, port))


def bind_unix(address: str) -> socket.socket:
    """A listening Unix socket: ``@name`` is Linux's abstract namespace (no file to clean up)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    return _listen(sock, "\0" + address[1:] if address.startswith("@") else address)


def _listen(sock: socket.socket, address: str | tuple[str, int]) -> socket.socket:
    """``sock`` bound to ``address``, listening and non-blocking; closed if it cannot bind."""
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
