"""GET / in a browser: Swagger UI on /docs.json, from the Bento alone.

BentoML's own page at / loads Google Tag Manager and, through Swagger UI's default
validator badge, validator.swagger.io: six loads from outside on a server that is
otherwise air-gapped, under BentoML's boilerplate title. This page uses the Swagger
UI files BentoML's package already serves (/static_content/, swagger-ui 4.x), turns
the validator off, and forbids every other origin with its Content-Security-Policy;
its title, description and version are the service's own (front/openapi_names.py).
API clients asking for JSON at / still get compat/service_info.py's answer.
"""

from __future__ import annotations

from starlette.responses import Response

from front.http import wants_html
from front.service_version import SERVICE, VERSION

INIT_PATH = "/swagger-init.js"
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{SERVICE} {VERSION}: API</title>
<link rel="stylesheet" type="text/css" href="./static_content/swagger-ui.css">
<link rel="icon" href="data:,">
</head>
<body>
<div id="swagger-ui"></div>
<script src="./static_content/swagger-ui-bundle.js" charset="UTF-8"></script>
<script src=".{INIT_PATH}" charset="UTF-8"></script>
</body>
</html>
"""
# validatorUrl null: no badge fetched from validator.swagger.io
INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "./docs.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
  });
};
"""
# Swagger UI sets inline styles; everything else from this origin only
POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


class SwaggerPage:
    """ASGI middleware: the page at / (for a browser) and its start script."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path = scope["path"]
            if path == "/" and wants_html(scope.get("headers")):
                await Response(PAGE, media_type="text/html; charset=utf-8",
                               headers={"Content-Security-Policy": POLICY})(scope, receive, send)
                return
            if path == INIT_PATH:
                await Response(INIT, media_type="text/javascript; charset=utf-8")(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)
