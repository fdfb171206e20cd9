"""The model services' API declarations (model_services.py), checked without serving."""

from __future__ import annotations

import model_services


def test_every_model_service_declares_its_answers_media_type():
    # BentoML works out an undeclared media type again for every response, from a JSON
    # schema pydantic builds each time (0.16-0.38 ms a call; issue 15)
    for name, service in model_services.SERVICES.items():
        spec = service.apis["predict"].output_spec
        assert spec.media_type == "application/json", (name, spec)
        assert spec.mime_type() == "application/json"
