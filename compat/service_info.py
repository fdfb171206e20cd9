"""`GET /` and `GET /-/healthz` for the clients of the replaced systems.

`GET /` answers API clients (HCP, NSFAS: "API status and version") with a JSON
object, while a browser, whose Accept header names text/html, still gets
BentoML's Swagger page there: content negotiation on one path. `GET /-/healthz`
is InsightFace Ray Serve's health path and answers what /health answers.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

from front.http import wants_html
from front.service_version import SERVICE, VERSION

HEALTH_PATHS = ("/-/healthz", "/-/healthz/")


def service_info(health: dict) -> dict:
    return {"status": health.get("status", "starting"), "service": SERVICE, "version": VERSION,
            "docs": "/docs.json", "health": "/health",
            "models": health.get("models", {})}


class ServiceInfo:
    """ASGI middleware: GET / as JSON to API clients, GET /-/healthz as /health."""

    def __init__(self, app, health: dict):
        self.app = app
        self.health = health

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            if path == "/" and not wants_html(scope.get("headers")):
                await JSONResponse(service_info(self.health))(scope, receive, send)
                return
            if path in HEALTH_PATHS:
                await JSONResponse(self.health)(scope, receive, send)
                return
        await self.app(scope, receive, send)
