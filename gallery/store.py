"""Galleries, subjects, faces and templates in the database (database.py).

Every write is one transaction under the database's write lock, and adds to the
change log (`changes`) what the replicas' indexes must do: `add` a face's template,
`del` a face, `reset` a whole gallery (deleted, or switched to another embedding
model). Deleting a subject deletes its faces, their crops and templates (foreign
keys ON DELETE CASCADE) in the same transaction that logs them.

A gallery's `model` is the embedding model its templates are searched under
(name:version, as the model store tags it), set by its first enrolment. A face
embedded by another model is refused (ModelMismatch) until `migrate_step` has
re-made every face's template under the new one.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import numpy as np

from gallery.database import Database, SqliteDatabase
from responses.templates import Template

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SUBJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
MAX_DISPLAY_NAME = 200
MAX_METADATA_BYTES = 16_384
MAX_SOURCE = 500
# changes kept for replicas that were away; one further behind reloads everything
KEEP_CHANGES = 200_000


class GalleryError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, detail: str, code: str | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class NotFound(GalleryError):
    status = 404
    code = "not_found"


class Conflict(GalleryError):
    status = 409
    code = "conflict"


class ModelMismatch(GalleryError):
    status = 409
    code = "model_mismatch"


@dataclass(frozen=True)
class NewFace:
    bbox: list
    quality: float | None
    crop: bytes | None
    template: Template
    source: str | None = None


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise GalleryError("a gallery name is 1-64 characters: lower-case letters, digits, "
                           "'_' and '-', starting with a letter or digit", "invalid_name")
    return name


def check_subject(subject: str) -> str:
    if not isinstance(subject, str) or not SUBJECT.match(subject):
        raise GalleryError("a subject id is 1-128 characters: letters, digits, '_', '.', '@' "
                           "and '-', starting with a letter or digit", "invalid_subject")
    return subject


def check_metadata(metadata) -> str:
    if metadata is None:
        return "{}"
    if not isinstance(metadata, dict):
        raise GalleryError("metadata must be a JSON object", "invalid_metadata")
    text = json.dumps(metadata, separators=(",", ":"), ensure_ascii=False)
    if len(text.encode()) > MAX_METADATA_BYTES:
        raise GalleryError(f"metadata is over {MAX_METADATA_BYTES} bytes as JSON",
                           "invalid_metadata")
    return text


def check_display_name(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_DISPLAY_NAME:
        raise GalleryError(f"display_name must be text of at most {MAX_DISPLAY_NAME} "
                           "characters", "invalid_display_name")
    return value.strip()


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, "<f4").ravel().tobytes()


def from_blob(data, dimensions: int | None = None) -> np.ndarray:
    vector = np.frombuffer(bytes(data), "<f4").astype(np.float32)
    if dimensions is not None and vector.size != dimensions:
        raise ValueError(f"a stored template has {vector.size} values, {dimensions} recorded")
    return vector


class GalleryStore:
    def __init__(self, database: Database):
        self.db = database

    # ------------------------------------------------------------- galleries
    def create_gallery(self, name: str, owner: str = "", metadata=None) -> dict:
        """A new gallery of `owner` (the SHA-256 of an API key; "" with no keys)."""
        check_name(name)
        text = check_metadata(metadata)
        with self.db.write() as run:
            if run("SELECT 1 FROM galleries WHERE name = ? AND owner IN (?, '')",
                   (name, owner)):
                raise Conflict(f"gallery {name!r} exists", "gallery_exists")
            run("INSERT INTO galleries (name, owner, metadata, created_at) VALUES (?, ?, ?, ?)",
                (name, owner, text, time.time()))
        return self.gallery(name, owner)

    def gallery(self, name: str, owner: str = "") -> dict:
        """The gallery of that name that `owner` reaches: its own, or one created with
        no key ("" owner), which every key reaches. 404 otherwise: another key's
        gallery is not told apart from one that does not exist."""
        with self.db.read() as run:
            rows = run("SELECT id, name, owner, model, metadata, created_at FROM galleries "
                       "WHERE name = ? AND owner IN (?, '') ORDER BY owner DESC",
                       (name, owner))
            if not rows:
                raise NotFound(f"no gallery {str(name)[:64]!r}", "no_gallery")
            return self._gallery_row(run, rows[0])

    def list_galleries(self, owner: str = "") -> list[dict]:
        with self.db.read() as run:
            rows = run("SELECT id, name, owner, model, metadata, created_at FROM galleries "
                       "WHERE owner IN (?, '') ORDER BY name, owner", (owner,))
            return [self._gallery_row(run, row) for row in rows]

    @staticmethod
    def _gallery_row(run, row) -> dict:
        subjects = run("SELECT count(*) FROM subjects WHERE gallery_id = ?", (row[0],))[0][0]
        faces = run("SELECT count(*), count(subject_id) FROM faces WHERE gallery_id = ?",
                    (row[0],))[0]
        return {"id": row[0], "name": row[1], "owner": row[2], "model": row[3],
                "metadata": json.loads(row[4]), "created_at": row[5],
                "subject_count": int(subjects), "face_count": int(faces[0]),
                "unassigned_face_count": int(faces[0] - faces[1])}

    def delete_gallery(self, gallery_id: int) -> None:
        with self.db.write() as run:
            run("DELETE FROM galleries WHERE id = ?", (gallery_id,))
            self._log(run, gallery_id, None, "reset")
        self._forget()

    # ------------------------------------------------------------- enrolment
    def enrol(self, gallery_id: int, subject: str | None, face: NewFace,
              display_name: str | None = None, metadata=None) -> dict:
        """Add `face` to `subject` (created when new; display name and metadata
        updated when given), or unassigned when subject is None. A face whose
        `source` the gallery already holds is not added twice: the earlier one is
        answered, `existing` true (a resumed import)."""
        if subject is not None:
            check_subject(subject)
        display_name = check_display_name(display_name)
        text = check_metadata(metadata) if metadata is not None else None
        source = face.source
        if source is not None and (not isinstance(source, str) or len(source) > MAX_SOURCE):
            raise GalleryError(f"source must be text of at most {MAX_SOURCE} characters")
        now = time.time()
        with self.db.write() as run:
            model = self._model_for_write(run, gallery_id, face.template.model)
            if source is not None:
                found = run("SELECT id FROM faces WHERE gallery_id = ? AND source = ?",
                            (gallery_id, source))
                if found:
                    return {"face_id": found[0][0], "existing": True, "model": model}
            subject_row = None
            if subject is not None:
                run("INSERT INTO subjects (gallery_id, subject, display_name, metadata, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (gallery_id, subject) DO NOTHING",
                    (gallery_id, subject, display_name if display_name is not None else subject,
                     text or "{}", now, now))
                subject_row = run("SELECT id FROM subjects WHERE gallery_id = ? AND subject = ?",
                                  (gallery_id, subject))[0][0]
                if display_name is not None or text is not None:
                    run("UPDATE subjects SET display_name = coalesce(?, display_name), "
                        "metadata = coalesce(?, metadata), updated_at = ? WHERE id = ?",
                        (display_name, text, now, subject_row))
            face_id = run("INSERT INTO faces (gallery_id, subject_id, bbox, quality, crop, "
                          "source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          (gallery_id, subject_row, json.dumps(face.bbox), face.quality,
                           face.crop, source, now))[0][0]
            run("INSERT INTO templates (face_id, model_name, model_version, dimensions, "
                "embedding) VALUES (?, ?, ?, ?, ?)",
                (face_id, face.template.name, face.template.version,
                 int(face.template.vector.size), to_blob(face.template.vector)))
            if subject_row is not None:
                self._log(run, gallery_id, face_id, "add")
        return {"face_id": face_id, "existing": False, "model": model}

    def _model_for_write(self, run, gallery_id: int, model: str) -> str:
        rows = run("SELECT model, name FROM galleries WHERE id = ?", (gallery_id,))
        if not rows:
            raise NotFound("the gallery was deleted", "no_gallery")
        current, name = rows[0]
        if current is None:
            run("UPDATE galleries SET model = ? WHERE id = ?", (model, gallery_id))
            return model
        if current != model:
            raise ModelMismatch(
                f"gallery {name!r} holds templates of {current}; this server embeds with "
                f"{model}, and templates of two models cannot be compared: migrate the "
                f"gallery first (python -m gallery migrate {name})")
        return current

    # ------------------------------------------------------------- subjects
    def list_subjects(self, gallery_id: int, limit: int = 100, offset: int = 0) -> dict:
        with self.db.read() as run:
            total = run("SELECT count(*) FROM subjects WHERE gallery_id = ?", (gallery_id,))[0][0]
            rows = run("SELECT s.id, s.subject, s.display_name, s.metadata, s.created_at, "
                       "s.updated_at, (SELECT count(*) FROM faces f WHERE f.subject_id = s.id) "
                       "FROM subjects s WHERE s.gallery_id = ? ORDER BY s.subject "
                       "LIMIT ? OFFSET ?", (gallery_id, limit, offset))
        return {"subjects": [self._subject_row(row) for row in rows], "total": int(total),
                "limit": limit, "offset": offset}

    @staticmethod
    def _subject_row(row) -> dict:
        return {"subject_id": row[1], "display_name": row[2], "metadata": json.loads(row[3]),
                "created_at": row[4], "updated_at": row[5], "face_count": int(row[6])}

    def subject(self, gallery_id: int, subject: str) -> dict:
        with self.db.read() as run:
            row = self._subject_lookup(run, gallery_id, subject)
            faces = run("SELECT id, bbox, quality, source, created_at FROM faces "
                        "WHERE subject_id = ? ORDER BY id", (row[0],))
        return {**self._subject_row(row), "faces": [self._face_row(f, subject) for f in faces]}

    def _subject_lookup(self, run, gallery_id: int, subject: str):
        rows = run("SELECT s.id, s.subject, s.display_name, s.metadata, s.created_at, "
                   "s.updated_at, (SELECT count(*) FROM faces f WHERE f.subject_id = s.id) "
                   "FROM subjects s WHERE s.gallery_id = ? AND s.subject = ?",
                   (gallery_id, subject))
        if not rows:
            raise NotFound(f"no subject {str(subject)[:128]!r} in this gallery", "no_subject")
        return rows[0]

    def subjects_by_row(self, rows: list[int]) -> dict[int, tuple[str, str]]:
        """subject row id -> (subject id, display name), for the rows that still exist."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        with self.db.read() as run:
            found = run(f"SELECT id, subject, display_name FROM subjects WHERE id IN ({marks})",
                        tuple(int(r) for r in rows))
        return {r[0]: (r[1], r[2]) for r in found}

    def update_subject(self, gallery_id: int, subject: str, display_name=None,
                       metadata=None) -> dict:
        display_name = check_display_name(display_name)
        text = check_metadata(metadata) if metadata is not None else None
        with self.db.write() as run:
            row = self._subject_lookup(run, gallery_id, subject)
            run("UPDATE subjects SET display_name = coalesce(?, display_name), "
                "metadata = coalesce(?, metadata), updated_at = ? WHERE id = ?",
                (display_name, text, time.time(), row[0]))
        return self.subject(gallery_id, subject)

    def delete_subject(self, gallery_id: int, subject: str) -> int:
        """Deletes the subject, its faces, crops and templates; the faces deleted."""
        with self.db.write() as run:
            row = self._subject_lookup(run, gallery_id, subject)
            faces = [r[0] for r in run("SELECT id FROM faces WHERE subject_id = ?", (row[0],))]
            run("DELETE FROM subjects WHERE id = ?", (row[0],))
            for face_id in faces:
                self._log(run, gallery_id, face_id, "del")
        self._forget()
        return len(faces)

    # ------------------------------------------------------------- faces
    @staticmethod
    def _face_row(row, subject: str | None) -> dict:
        return {"face_id": row[0], "subject_id": subject, "bbox": json.loads(row[1]),
                "quality": row[2], "source": row[3], "created_at": row[4]}

    def face(self, gallery_id: int, face_id: int, crop: bool = False) -> dict:
        with self.db.read() as run:
            rows = run("SELECT f.id, f.bbox, f.quality, f.source, f.created_at, s.subject, "
                       "f.crop FROM faces f LEFT JOIN subjects s ON s.id = f.subject_id "
                       "WHERE f.gallery_id = ? AND f.id = ?", (gallery_id, face_id))
            if not rows:
                raise NotFound(f"no face {face_id} in this gallery", "no_face_id")
            models = run("SELECT model_name, model_version, dimensions FROM templates "
                         "WHERE face_id = ?", (face_id,))
        answer = {**self._face_row(rows[0][:5], rows[0][5]),
                  "templates": [{"model": f"{m[0]}:{m[1]}", "dimensions": m[2]} for m in models]}
        if crop:
            answer["crop"] = bytes(rows[0][6]) if rows[0][6] is not None else None
        return answer

    def list_faces(self, gallery_id: int, unassigned: bool = False, limit: int = 100,
                   offset: int = 0) -> dict:
        where = "f.gallery_id = ?" + (" AND f.subject_id IS NULL" if unassigned else "")
        with self.db.read() as run:
            total = run(f"SELECT count(*) FROM faces f WHERE {where}", (gallery_id,))[0][0]
            rows = run(f"SELECT f.id, f.bbox, f.quality, f.source, f.created_at, s.subject "
                       f"FROM faces f LEFT JOIN subjects s ON s.id = f.subject_id WHERE {where} "
                       "ORDER BY f.id LIMIT ? OFFSET ?", (gallery_id, limit, offset))
        return {"faces": [self._face_row(r[:5], r[5]) for r in rows], "total": int(total),
                "limit": limit, "offset": offset}

    def sources(self, gallery_id: int) -> set[str]:
        with self.db.read() as run:
            return {r[0] for r in run("SELECT source FROM faces WHERE gallery_id = ? AND "
                                      "source IS NOT NULL", (gallery_id,))}

    def delete_face(self, gallery_id: int, face_id: int) -> None:
        with self.db.write() as run:
            rows = run("SELECT subject_id FROM faces WHERE gallery_id = ? AND id = ?",
                       (gallery_id, face_id))
            if not rows:
                raise NotFound(f"no face {face_id} in this gallery", "no_face_id")
            run("DELETE FROM faces WHERE id = ?", (face_id,))
            self._log(run, gallery_id, face_id, "del")
        self._forget()

    def assign_face(self, gallery_id: int, face_id: int, subject: str | None,
                    display_name: str | None = None) -> dict:
        """Move a face to `subject` (created when new), or unassign it (None)."""
        if subject is not None:
            check_subject(subject)
        display_name = check_display_name(display_name)
        now = time.time()
        with self.db.write() as run:
            if not run("SELECT 1 FROM faces WHERE gallery_id = ? AND id = ?",
                       (gallery_id, face_id)):
                raise NotFound(f"no face {face_id} in this gallery", "no_face_id")
            row = None
            if subject is not None:
                run("INSERT INTO subjects (gallery_id, subject, display_name, metadata, "
                    "created_at, updated_at) VALUES (?, ?, ?, '{}', ?, ?) "
                    "ON CONFLICT (gallery_id, subject) DO NOTHING",
                    (gallery_id, subject, display_name or subject, now, now))
                row = run("SELECT id FROM subjects WHERE gallery_id = ? AND subject = ?",
                          (gallery_id, subject))[0][0]
            run("UPDATE faces SET subject_id = ? WHERE id = ?", (row, face_id))
            self._log(run, gallery_id, face_id, "del")
            if row is not None:
                self._log(run, gallery_id, face_id, "add")
        return self.face(gallery_id, face_id)

    # ------------------------------------------------------------- templates
    def templates(self, gallery_id: int, model: str, subject_rows: bool = True,
                  face_ids: list[int] | None = None, unassigned: bool = False):
        """(face ids, subject rows, vectors) of the gallery's faces with a template of
        `model`: the assigned ones, or the unassigned ones, or those of `face_ids`."""
        name, _, version = model.partition(":")
        sql = ("SELECT f.id, f.subject_id, t.embedding, t.dimensions FROM faces f JOIN "
               "templates t ON t.face_id = f.id AND t.model_name = ? AND t.model_version = ? "
               "WHERE f.gallery_id = ?")
        params: tuple = (name, version, gallery_id)
        if face_ids is not None:
            if not face_ids:
                return _empty()
            sql += f" AND f.id IN ({','.join('?' * len(face_ids))})"
            params += tuple(int(i) for i in face_ids)
        sql += " AND f.subject_id IS NULL" if unassigned else \
            (" AND f.subject_id IS NOT NULL" if subject_rows else "")
        with self.db.read() as run:
            rows = run(sql + " ORDER BY f.id", params)
        if not rows:
            return _empty()
        ids = np.array([r[0] for r in rows], np.int64)
        subjects = np.array([-1 if r[1] is None else r[1] for r in rows], np.int64)
        vectors = np.stack([from_blob(r[2], r[3]) for r in rows])
        return ids, subjects, vectors

    def subject_templates(self, gallery_id: int, subject: str, model: str):
        name, _, version = model.partition(":")
        with self.db.read() as run:
            row = self._subject_lookup(run, gallery_id, subject)
            rows = run("SELECT f.id, t.embedding, t.dimensions FROM faces f JOIN templates t "
                       "ON t.face_id = f.id AND t.model_name = ? AND t.model_version = ? "
                       "WHERE f.subject_id = ? ORDER BY f.id", (name, version, row[0]))
        return [r[0] for r in rows], [from_blob(r[1], r[2]) for r in rows]

    # ------------------------------------------------------------- migration
    def faces_without(self, gallery_id: int, model: str, limit: int) -> list[tuple]:
        """(face id, crop) of faces lacking a template of `model`; total left."""
        name, _, version = model.partition(":")
        with self.db.read() as run:
            left = run("SELECT count(*) FROM faces f WHERE f.gallery_id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM templates t WHERE t.face_id = f.id AND t.model_name = ? "
                       "AND t.model_version = ?)", (gallery_id, name, version))[0][0]
            rows = run("SELECT f.id, f.crop FROM faces f WHERE f.gallery_id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM templates t WHERE t.face_id = f.id AND t.model_name = ? "
                       "AND t.model_version = ?) ORDER BY f.id LIMIT ?",
                       (gallery_id, name, version, limit))
        return [(r[0], None if r[1] is None else bytes(r[1])) for r in rows], int(left)

    def add_templates(self, gallery_id: int, templates: dict[int, Template]) -> None:
        with self.db.write() as run:
            for face_id, template in templates.items():
                if run("SELECT 1 FROM faces WHERE id = ? AND gallery_id = ?",
                       (face_id, gallery_id)):  # not deleted meanwhile
                    run("INSERT INTO templates (face_id, model_name, model_version, dimensions, "
                        "embedding) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        (face_id, template.name, template.version, int(template.vector.size),
                         to_blob(template.vector)))

    def switch_model(self, gallery_id: int, model: str) -> int:
        """Make `model` the gallery's, once every face has a template of it (faces
        without a crop to re-make it from are deleted by the caller's choice only:
        Conflict here); the old templates go. Returns the faces switched."""
        name, _, version = model.partition(":")
        with self.db.write() as run:
            left = run("SELECT count(*) FROM faces f WHERE f.gallery_id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM templates t WHERE t.face_id = f.id AND t.model_name = ? "
                       "AND t.model_version = ?)", (gallery_id, name, version))[0][0]
            if left:
                raise Conflict(f"{left} faces have no template of {model} yet",
                               "migration_incomplete")
            run("UPDATE galleries SET model = ? WHERE id = ?", (model, gallery_id))
            run("DELETE FROM templates WHERE face_id IN (SELECT id FROM faces WHERE "
                "gallery_id = ?) AND NOT (model_name = ? AND model_version = ?)",
                (gallery_id, name, version))
            faces = run("SELECT count(*) FROM faces WHERE gallery_id = ?", (gallery_id,))[0][0]
            self._log(run, gallery_id, None, "reset")
        self._forget()
        return int(faces)

    # ------------------------------------------------------------- change log
    def _log(self, run, gallery_id: int, face_id: int | None, op: str) -> None:
        seq = run("INSERT INTO changes (gallery_id, face_id, op) VALUES (?, ?, ?) RETURNING seq",
                  (gallery_id, face_id, op))[0][0]
        if seq % 1000 == 0:  # now and then, the log's old end goes
            run("DELETE FROM changes WHERE seq <= ?", (seq - KEEP_CHANGES,))
            run("INSERT INTO meta (key, value) VALUES ('pruned_to', ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value", (str(max(0, seq - KEEP_CHANGES)),))
        self.db.notify(run, str(seq))

    def changes_since(self, seq: int) -> tuple[list[tuple], int, int]:
        """(changes after `seq`, the log's last number, the number pruned up to)."""
        with self.db.read() as run:
            rows = run("SELECT seq, gallery_id, face_id, op FROM changes WHERE seq > ? "
                       "ORDER BY seq", (seq,))
            last = run("SELECT coalesce(max(seq), 0) FROM changes")[0][0]
            pruned = run("SELECT value FROM meta WHERE key = 'pruned_to'")
        return rows, int(last), int(pruned[0][0]) if pruned else 0

    def last_change(self) -> int:
        with self.db.read() as run:
            return int(run("SELECT coalesce(max(seq), 0) FROM changes")[0][0])

    def galleries_by_id(self) -> dict[int, tuple[str, str | None]]:
        with self.db.read() as run:
            return {r[0]: (r[1], r[2]) for r in run("SELECT id, name, model FROM galleries")}

    def _forget(self) -> None:
        """After a delete: SQLite's WAL still holds the old pages; fold it in now."""
        if isinstance(self.db, SqliteDatabase):
            self.db.checkpoint()


def _empty():
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
