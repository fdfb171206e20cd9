"""The service's name and API version, as GET /, /docs.json, the Swagger page and the
Scaleflex envelope report them."""

from __future__ import annotations

SERVICE = "face-analysis"
# raised with every release that changes an answer
VERSION = "1.1.0"
