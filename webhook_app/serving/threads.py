"""gunicorn's threaded worker with a read timeout: a client that stalls mid-request frees its thread.

Sync workers serve one request each, and a client that sends half its headers (or promises a body it never
sends) holds one until gunicorn kills it: two such sockets took a two-worker `hrsync web` offline, and webhooks
missed the 3 seconds an HR system waits for an answer. Threads let the other requests through meanwhile, and the read timeout ends
the stalled ones. The app is thread-safe (it is served threaded in the tests too): its Redis client and
SQLAlchemy engine pool connections, its caches and the intake scheduler take locks. Behind a buffering proxy
(README) slow clients never reach gunicorn at all; this is the defence when they do.
"""

from __future__ import annotations

import socket

from gunicorn.workers.gthread import ThreadWorker


# Python's sendall applies the timeout to the whole buffer: sent in pieces, a large answer only needs the client
# to take 64 KiB per read timeout, not all of it.
SEND_PIECE = 64 * 1024


class _ClientSocket(socket.socket):
    """A client socket whose blocking mode waits at most `read_timeout` seconds for each read or 64 KiB written."""

    __slots__ = ()
    read_timeout = 10.0

    def setblocking(self, flag: bool) -> None:
        # gunicorn switches a connection to blocking mode before it reads a request (and back for its poller).
        if flag:
            self.settimeout(self.read_timeout)
        else:
            super().setblocking(False)

    def sendall(self, data, flags: int = 0) -> None:
        view = memoryview(data).cast("B")
        for start in range(0, len(view), SEND_PIECE):
            super().sendall(view[start:start + SEND_PIECE], flags)


class ReadTimeoutWorker(ThreadWorker):
    """ThreadWorker whose plain TCP client sockets time out (TLS is the proxy's job)."""

    client_socket: type[socket.socket] = _ClientSocket

    def enqueue_req(self, conn) -> None:
        if type(conn.sock) is socket.socket:
            # Same memory layout (no new slots): the accepted socket becomes a _ClientSocket in place.
            conn.sock.__class__ = self.client_socket
        super().enqueue_req(conn)


def worker_class(read_timeout: float) -> type[ReadTimeoutWorker]:
    """The worker class for gunicorn's `worker_class` setting, with this read timeout."""
    client_socket = type("ClientSocket", (_ClientSocket,), {"__slots__": (), "read_timeout": float(read_timeout)})
    return type("ReadTimeoutWorker", (ReadTimeoutWorker,), {"client_socket": client_socket})
