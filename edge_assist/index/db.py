"""The one way to open the evidence index: ``connect(path)``.

Python's own ``sqlite3`` on many Linux builds cannot load extensions, so the
index uses ``sqlean`` (sqlean.py), a DB-API drop-in with a recent SQLite that
has FTS5 and can load ``sqlite-vec``. Everything that touches the database goes
through :func:`connect`, so the extension is loaded, WAL is on and the
migrations have run in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from edge_assist.errors import IndexSchemaError, storage_error

Tracer = Callable[[str], None]


def connect(path: str | Path = ":memory:", tracer: Tracer | None = None) -> Any:
    """Open (creating if needed) the index database and bring its schema up to date.

    Args:
        path: the database file, or ``":memory:"`` (tests, benchmarks).
        tracer: called with every SQL statement run, for debugging
            (as ``sqlite_utils.Database(tracer=print)``).

    Returns:
        A ``sqlean`` connection with sqlite-vec loaded, WAL journaling and
        ``foreign_keys`` on, in autocommit mode (transactions are explicit).

    Raises:
        IndexSchemaError: the file is not a SQLite database or was written
            by a newer edge-assist.
    """
    import sqlean
    import sqlite_vec

    from edge_assist.index.migrations import migrate

    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlean.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.enable_load_extension(True)
        sqlite_vec.load(conn)
        conn.enable_load_extension(False)
        if tracer is not None:
            conn.set_trace_callback(tracer)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        migrate(conn)
    except sqlean.DatabaseError as exc:
        conn.close()
        # A full or read-only disk is not a broken index: say so, rather than "move it away".
        raise storage_error(exc, path, "the evidence index") or IndexSchemaError(
            f"{path} is not a usable edge-assist index ({exc})",
            "move the file away and rebuild it: edge-assist index build-default",
        ) from None
    return conn


def serialize(vector: Any) -> bytes:
    """A vector as the little-endian float32 blob sqlite-vec stores."""
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def deserialize(blob: bytes) -> Any:
    """A float32 blob back as a numpy vector."""
    import numpy as np

    return np.frombuffer(blob, dtype="<f4")
