"""One replica's search indexes, kept in step with the database.

The database is the source of truth; each replica (a `bentoml serve` front, one of
several on one PostgreSQL database) keeps an index per gallery in memory, built
from the database when first searched, then updated from the change log:

- after each of its own writes, at once (a replica reads its own writes);
- for the others' writes: PostgreSQL NOTIFYs at their COMMIT and a thread here
  LISTENs (and reads the log at least every second in case a notification was
  missed, e.g. across a reconnection); SQLite has no notification, the thread
  reads the log's last number every POLL_S (one indexed query).

Applying a batch of changes never trusts their order: every face a batch touches
is taken out of the index and put back as the database has it now (assigned, with
a template of the gallery's model), so a replica converges whatever it missed. A
replica further behind than the log keeps (store.KEEP_CHANGES) drops every index.
"""

from __future__ import annotations

import logging
import threading
import time

from analyzers.face_models.embedding import metric_for
from gallery.database import PostgresDatabase
from gallery.search import Index, make_index
from gallery.store import GalleryStore

log = logging.getLogger("bentoml.face_analysis.gallery")
POLL_S = 0.2
LISTEN_TIMEOUT_S = 1.0


class Replica:
    def __init__(self, store: GalleryStore, index_kind: str = "exact"):
        self.store = store
        self.index_kind = index_kind
        make_index(index_kind, metric_for(None), 1)  # an unknown kind stops the start
        self.indexes: dict[int, tuple[str, Index]] = {}
        self.seq = store.last_change()
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------- searching
    def index(self, gallery_id: int, model: str) -> Index:
        """The gallery's index under `model` (its current one), built when missing."""
        with self.lock:
            held = self.indexes.get(gallery_id)
            if held is not None and held[0] == model:
                return held[1]
            ids, subjects, vectors = self.store.templates(gallery_id, model)
            dimensions = vectors.shape[1] if len(ids) else 0
            index = make_index(self.index_kind, metric_for(model), dimensions or 1)
            if len(ids):
                index.add(ids, subjects, vectors)
            self.indexes[gallery_id] = (model, index)
            return index

    # ------------------------------------------------------------- following
    def sync(self) -> int:
        """Apply the changes logged since the last sync; the changes applied."""
        with self.lock:
            rows, last, pruned = self.store.changes_since(self.seq)
            if self.seq < pruned:
                log.warning("gallery replica behind the change log (%d < %d): reloading",
                            self.seq, pruned)
                self.indexes.clear()
                self.seq = last
                return len(rows)
            touched: dict[int, set[int]] = {}
            for seq, gallery_id, face_id, op in rows:
                if op == "reset":
                    self.indexes.pop(gallery_id, None)
                    touched.pop(gallery_id, None)
                elif gallery_id in self.indexes:
                    touched.setdefault(gallery_id, set()).add(int(face_id))
            for gallery_id, faces in touched.items():
                if gallery_id not in self.indexes:
                    continue
                model, index = self.indexes[gallery_id]
                index.remove(faces)
                ids, subjects, vectors = self.store.templates(gallery_id, model,
                                                              face_ids=sorted(faces))
                if len(ids):
                    if len(index) == 0 and index.dimensions != vectors.shape[1]:
                        index = make_index(self.index_kind, metric_for(model), vectors.shape[1])
                        self.indexes[gallery_id] = (model, index)
                    index.add(ids, subjects, vectors)
            if rows:
                self.seq = max(self.seq, int(rows[-1][0]))
            return len(rows)

    def start(self) -> "Replica":
        if self._thread is None:
            follow = self._listen if isinstance(self.store.db, PostgresDatabase) else self._poll
            self._thread = threading.Thread(target=self._guarded, args=(follow,),
                                            name="gallery-replica", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _guarded(self, follow) -> None:
        while not self._stop.is_set():
            try:
                follow()
            except Exception as problem:  # the database went away: retry, never die
                log.warning("gallery replica: %s; retrying in 1 s", problem)
                self._stop.wait(1.0)

    def _poll(self) -> None:
        while not self._stop.wait(POLL_S):
            if self.store.last_change() != self.seq:
                self.sync()

    def _listen(self) -> None:
        connection = self.store.db.listen()
        try:
            self.sync()  # what happened before LISTEN took effect
            while not self._stop.is_set():
                for _ in connection.notifies(timeout=LISTEN_TIMEOUT_S, stop_after=1):
                    pass
                self.sync()
        finally:
            connection.close()


def wait_for(condition, timeout_s: float, step_s: float = 0.02) -> bool:
    """Poll `condition` until true or `timeout_s` passes (tests and tools)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return bool(condition())
