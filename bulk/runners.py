"""What analyses a group of photos for the folder command: a server's /analyze-batch,
or the same batch flow (front/batch.py) in this process with the models loaded here.
Both take [(path, bytes or None)] and give one row per photo, in order:
{"path", "status", "result"} or {"path", "status", "error": {"detail", "code"}}."""

from __future__ import annotations

import asyncio

import httpx

UNREADABLE = {"detail": "the file could not be read", "code": "unreadable"}


class RequestFailed(Exception):
    """The whole request failed (server down, wrong key, ...): the run stops there and
    a new run resumes from the output."""


def _row(path: str, answer: dict) -> dict:
    row = {"path": path, "status": answer["status"]}
    if answer["status"] == 200:
        row["result"] = answer["result"]
    else:
        row["error"] = answer["error"]
    return row


def _unreadable(path: str) -> dict:
    return {"path": path, "status": 400, "error": dict(UNREADABLE)}


class ServerRunner:
    def __init__(self, url: str, api_key: str | None = None, attributes: str | None = None,
                 timeout_s: float = 300.0):
        headers = {"X-API-Key": api_key} if api_key else {}
        self.http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout_s)
        self.data = {"attributes": attributes} if attributes else {}

    def __call__(self, group: list[tuple[str, bytes | None]]) -> list[dict]:
        readable = [(path, data) for path, data in group if data is not None]
        answers = {}
        if readable:
            try:
                response = self.http.post(
                    "/analyze-batch", data=self.data,
                    files=[("files", (path.rsplit("/", 1)[-1], data)) for path, data in readable])
            except httpx.HTTPError as problem:
                raise RequestFailed(f"the server did not answer: {problem}") from None
            if response.status_code != 200:
                raise RequestFailed(f"the server answered {response.status_code}: "
                                    f"{response.text[:500]}")
            answers = {path: answer for (path, _), answer in
                       zip(readable, response.json()["results"])}
        return [_row(path, answers[path]) if path in answers else _unreadable(path)
                for path, _ in group]

    def close(self) -> None:
        self.http.close()


class InProcessRunner:
    """The front's batch flow and every model in this process (no server)."""

    def __init__(self, attributes: str | None = None):
        from analyzers.face_analysis import FaceAnalysis
        from front.batch import Batch, BatchLimits, options_for
        from front.flows import Flows
        from inputs.imageio import Limits
        from inputs.sources import FetchPolicy
        from measures.quality import parse_thresholds
        from model_services import load_in_process
        from security import Settings
        import settings

        predictors, tags = load_in_process()
        analysis = FaceAnalysis(predictors, tags, gender_task="gender" if "gender" in tags
                                else "age_gender")
        limits = Limits.from_env()
        self.flows = Flows(analysis, limits, Settings.from_env(),
                           FetchPolicy.from_env(max_bytes=limits.max_bytes),
                           parse_thresholds(settings.read("FACE_QUALITY_THRESHOLDS")))
        self.batch = Batch(self.flows, BatchLimits.from_env())
        self.options, self.shape = options_for(self.flows, attributes or None, None, False,
                                               False, "native")
        self.loop = asyncio.Runner()

    def __call__(self, group: list[tuple[str, bytes | None]]) -> list[dict]:
        from front.batch import bytes_source

        readable = [(path, data) for path, data in group if data is not None]
        answers = {}
        if readable:
            answer = self.loop.run(self.batch.analyze(
                [(path, bytes_source(data, self.flows.limits)) for path, data in readable],
                self.options, self.shape, self.flows.deadline()))
            answers = {path: result for (path, _), result in zip(readable, answer["results"])}
        return [_row(path, answers[path]) if path in answers else _unreadable(path)
                for path, _ in group]

    def close(self) -> None:
        self.loop.close()
