"""Named schema migrations, recorded in ``_migrations`` so each runs exactly once.

Following ``sqlite_utils/migrations.py`` and ``llm/embeddings_migrations.py``: a
migration is a function named ``mNNN_what_it_does``; its name is stored once
applied. Adding a migration means appending a function to :data:`MIGRATIONS`,
never editing an old one, so every database on every kiosk converges.

The per-collection search tables (an FTS5 table and a sqlite-vec ``vec0``
table, named by the collection id) are created with the collection, because
their vector width depends on the embedding model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edge_assist.errors import IndexSchemaError

Migration = Callable[[Any], None]


def m001_create_tables(conn: Any) -> None:
    """Collections, packs, documents and chunks (float32 blobs kept for quantized collections)."""
    _run(conn, """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            model TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            quantization TEXT NOT NULL DEFAULT 'float',
            created TEXT NOT NULL DEFAULT (datetime('now'))
        );
        CREATE TABLE packs (
            name TEXT PRIMARY KEY,
            version TEXT NOT NULL DEFAULT '1',
            licence TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            pack TEXT NOT NULL DEFAULT '',
            pack_version TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            publisher TEXT NOT NULL DEFAULT '',
            licence TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            added TEXT NOT NULL DEFAULT (datetime('now')),
            UNIQUE (collection_id, source)
        );
        CREATE INDEX documents_hash ON documents (collection_id, content_hash);
        CREATE INDEX documents_pack ON documents (pack);
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ord INTEGER NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            vector BLOB  -- float32, kept only for int8/bit collections: vec0 holds float ones
        );
        CREATE INDEX chunks_document ON chunks (document_id);
        """)


def _run(conn: Any, script: str) -> None:
    # executescript() would COMMIT the migration's transaction first; run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


MIGRATIONS: list[Migration] = [m001_create_tables]


def migrate(conn: Any) -> list[str]:
    """Apply every migration not yet recorded; returns the names applied.

    Raises:
        IndexSchemaError: the database records a migration this version does
            not know (it was written by a newer edge-assist).
    """
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, "
                 "applied TEXT NOT NULL DEFAULT (datetime('now')))")
    done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    known = {m.__name__ for m in MIGRATIONS}
    if done - known:
        raise IndexSchemaError(
            f"the index has migrations this version does not know: {', '.join(sorted(done - known))}",
            "upgrade edge-assist, or rebuild the index with this version",
        )
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration(conn)
            conn.execute("INSERT INTO _migrations (name) VALUES (?)", (migration.__name__,))
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.__name__)
    return applied
