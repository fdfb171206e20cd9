"""The gallery's database: SQLite (one file, the embedded default) or PostgreSQL
(shared by several replicas), behind one small interface.

SQL is written once with `?` placeholders. Every write runs in `write()`, a
transaction that holds the database's one write lock (SQLite: BEGIN IMMEDIATE;
PostgreSQL: a transaction-scoped advisory lock), so the change log's sequence
numbers become visible in the order they were taken: a replica that has read up
to number n never later finds a smaller one committed (replica.py relies on it).
A write is answered only after its COMMIT returned: with SQLite's WAL and
synchronous=FULL, and PostgreSQL's own WAL, a SIGKILL loses nothing answered.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import urlsplit

from gallery import migrations

# any number will do: every writer of every replica takes the same one
WRITE_LOCK_KEY = 727_001
CHANNEL = "face_gallery_changes"
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(RuntimeError):
    """The database cannot be opened or is of a newer schema than this code."""


class Database:
    dialect = ""

    def __init__(self):
        self._local = threading.local()
        self._connections: list = []
        self._lock = threading.Lock()

    # ---------------------------------------------------------- connections
    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(Exception):
                    connection.close()
            self._connections.clear()
        self._local = threading.local()

    # ---------------------------------------------------------- transactions
    @contextlib.contextmanager
    def write(self):
        """A read-write transaction holding the write lock: yields `run(sql, params)`."""
        connection = self._connection()
        self._begin(connection, write=True)
        try:
            yield self._runner(connection)
        except BaseException:
            self._rollback(connection)
            raise
        self._commit(connection)

    @contextlib.contextmanager
    def read(self):
        """A read transaction (one consistent snapshot for its statements)."""
        connection = self._connection()
        self._begin(connection, write=False)
        try:
            yield self._runner(connection)
        finally:
            self._rollback(connection)

    def migrate(self) -> int:
        """Apply the migrations this database lacks; the schema version after."""
        with self.write() as run:
            run(migrations.VERSION_TABLE)
            rows = run("SELECT version FROM schema_version")
            current = max((r[0] for r in rows), default=0)
            if current > migrations.LATEST:
                raise DatabaseError(f"the gallery database has schema version {current}; this "
                                    f"code knows up to {migrations.LATEST}: upgrade the server")
            for version, statements in migrations.steps(self.dialect, current):
                for statement in statements:
                    run(statement)
                run("INSERT INTO schema_version (version) VALUES (?)", (version,))
            return max(current, migrations.LATEST)

    def notify(self, run, payload: str) -> None:
        """Tell the other replicas at COMMIT (PostgreSQL); SQLite's poll the log."""

    def _runner(self, connection):
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as problem:
            raise DatabaseError(f"cannot create the gallery folder {self.path.parent}: "
                                f"{problem}") from None

    def _connect(self):
        connection = sqlite3.connect(str(self.path), isolation_level=None,
                                     check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       # a deleted person's bytes are overwritten, not left in free pages
                       "secure_delete=ON", f"busy_timeout={BUSY_TIMEOUT_MS}"):
            connection.execute(f"PRAGMA {pragma}")
        return connection

    def _begin(self, connection, write: bool) -> None:
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _commit(self, connection) -> None:
        connection.execute("COMMIT")

    def _rollback(self, connection) -> None:
        if connection.in_transaction:
            connection.execute("ROLLBACK")

    def _runner(self, connection):
        def run(sql: str, params=()):
            return connection.execute(sql, params).fetchall()
        return run

    def checkpoint(self) -> None:
        """Fold the WAL into the file and empty it: the old page images of a deleted
        person go with it."""
        self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def describe(self) -> str:
        return f"sqlite:{self.path}"


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        try:
            import psycopg  # noqa: F401  (requirements.txt)
        except ImportError as problem:
            raise DatabaseError(f"a postgresql:// gallery database needs psycopg: {problem}") \
                from None

    def _connect(self):
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as problem:
            raise DatabaseError(f"cannot connect to the gallery database "
                                f"{self.describe()}: {problem}") from None

    def _begin(self, connection, write: bool) -> None:
        connection.execute("BEGIN")
        if write:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def _commit(self, connection) -> None:
        connection.execute("COMMIT")

    def _rollback(self, connection) -> None:
        with contextlib.suppress(Exception):
            connection.execute("ROLLBACK")

    def _runner(self, connection):
        def run(sql: str, params=()):
            cursor = connection.execute(_placeholders(sql), params)
            return cursor.fetchall() if cursor.description is not None else []
        return run

    def notify(self, run, payload: str) -> None:
        run("SELECT pg_notify(?, ?)", (CHANNEL, payload))

    def listen(self):
        """A connection of its own, LISTENing on the change channel."""
        import psycopg

        connection = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def describe(self) -> str:
        parts = urlsplit(self.url)
        host = parts.hostname or "local socket"
        return f"postgresql://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


_QUESTION = re.compile(r"\?")


def _placeholders(sql: str) -> str:
    return _QUESTION.sub("%s", sql.replace("%", "%%"))


def open_database(url: str | None, folder: str | Path) -> Database:
    """postgresql://... (or postgres://) -> PostgreSQL; sqlite:///relative/path or
    sqlite:////absolute/path -> that file;
    empty -> gallery.sqlite3 in `folder`."""
    url = (url or "").strip()
    if url.startswith(("postgresql://", "postgres://")):
        database: Database = PostgresDatabase(url)
    elif url.startswith("sqlite:///"):
        database = SqliteDatabase(url[len("sqlite:///"):])
    elif not url:
        database = SqliteDatabase(Path(folder).expanduser() / "gallery.sqlite3")
    else:
        raise DatabaseError("FACE_GALLERY_DATABASE must be empty (SQLite in FACE_GALLERY_DIR), "
                            "sqlite:///<path> or postgresql://...")
    database.migrate()
    return database
