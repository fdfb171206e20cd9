"""Each endpoint's work between the request and its answer: decode the images (in
threads, under the limits), run the analysis, all under the request's deadline.
Plain async code around FaceAnalysis, so it runs without BentoML; one module per
endpoint family, the shared plumbing in plumbing.py."""

from __future__ import annotations

from front.flows.analysis import AnalysisFlows
from front.flows.comparison import ComparisonFlows
from front.flows.documents import DocumentFlows
from front.flows.face_checks import (LIVENESS_MODES, LIVENESS_QUALITY_THRESHOLD,
                                     LIVENESS_THRESHOLD, FaceCheckFlows)
from front.flows.insightface import InsightFaceFlows

__all__ = ["Flows", "LIVENESS_MODES", "LIVENESS_QUALITY_THRESHOLD", "LIVENESS_THRESHOLD"]


class Flows(AnalysisFlows, ComparisonFlows, DocumentFlows, FaceCheckFlows, InsightFaceFlows):
    """Every family's flows over one FaceAnalysis, as the service's routes call them."""
