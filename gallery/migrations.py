"""The gallery schema, as numbered steps: a database records the steps it has
(schema_version) and `Database.migrate` applies the missing ones at start, in one
transaction. A new schema change is a new step at the end; a step never changes
once released.

Tables: galleries; subjects (a person of a gallery: its id, display name, free
metadata); faces (one enrolled face: its subject, or none while unassigned; its
box, quality and the face crop the templates are re-made from); templates (a
face's embedding under one model, model name and version recorded); changes (the
log the other replicas follow); meta (the log's pruning mark).
"""

from __future__ import annotations

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)"

_SERIAL = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "postgresql": "BIGSERIAL PRIMARY KEY"}
_BLOB = {"sqlite": "BLOB", "postgresql": "BYTEA"}
_BIG = {"sqlite": "INTEGER", "postgresql": "BIGINT"}


def _step1(dialect: str) -> list[str]:
    serial, blob, big = _SERIAL[dialect], _BLOB[dialect], _BIG[dialect]
    return [
        f"""CREATE TABLE galleries (
            id {serial},
            name TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            model TEXT,
            metadata TEXT NOT NULL DEFAULT '{{}}',
            created_at DOUBLE PRECISION NOT NULL,
            UNIQUE (owner, name))""",
        f"""CREATE TABLE subjects (
            id {serial},
            gallery_id {big} NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
            subject TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            metadata TEXT NOT NULL DEFAULT '{{}}',
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            UNIQUE (gallery_id, subject))""",
        f"""CREATE TABLE faces (
            id {serial},
            gallery_id {big} NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
            subject_id {big} REFERENCES subjects(id) ON DELETE CASCADE,
            bbox TEXT NOT NULL,
            quality DOUBLE PRECISION,
            crop {blob},
            source TEXT,
            created_at DOUBLE PRECISION NOT NULL)""",
        "CREATE INDEX faces_subject ON faces (subject_id)",
        "CREATE INDEX faces_gallery ON faces (gallery_id)",
        "CREATE UNIQUE INDEX faces_source ON faces (gallery_id, source)",
        f"""CREATE TABLE templates (
            face_id {big} NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
            model_name TEXT NOT NULL,
            model_version TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            embedding {blob} NOT NULL,
            PRIMARY KEY (face_id, model_name, model_version))""",
        f"""CREATE TABLE changes (
            seq {serial},
            gallery_id {big} NOT NULL,
            face_id {big},
            op TEXT NOT NULL)""",
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL)""",
    ]


STEPS = {1: _step1}
LATEST = max(STEPS)


def steps(dialect: str, current: int):
    """(version, statements) of every step after `current`, in order."""
    for version in sorted(STEPS):
        if version > current:
            yield version, STEPS[version](dialect)
