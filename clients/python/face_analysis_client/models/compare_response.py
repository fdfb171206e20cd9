from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.compared_face import ComparedFace





T = TypeVar("T", bound="CompareResponse")



@_attrs_define
class CompareResponse:
    """ 
        Attributes:
            success (bool):
            match (bool):
            similarity (float): cosine of the unit embeddings, -1..1
            distance (float): euclidean distance under the model's metric (dlib: raw descriptors; ArcFace: unit vectors)
            threshold (float):
            confidence (float): NSFAS's meaning: (1 - distance) x 100, clipped to 0-100 (a rescaled distance, not a
                probability)
            decision_confidence (float): 0-100, how clear-cut the decision is: a logistic of the distance's margin to the
                threshold (not calibrated)
            metric (str):
            model (str):
            selfie_face (ComparedFace):
            id_face (ComparedFace):
     """

    success: bool
    match: bool
    similarity: float
    distance: float
    threshold: float
    confidence: float
    decision_confidence: float
    metric: str
    model: str
    selfie_face: ComparedFace
    id_face: ComparedFace
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.compared_face import ComparedFace # noqa: PLC0415
        success = self.success

        match = self.match

        similarity = self.similarity

        distance = self.distance

        threshold = self.threshold

        confidence = self.confidence

        decision_confidence = self.decision_confidence

        metric = self.metric

        model = self.model

        selfie_face = self.selfie_face.to_dict()

        id_face = self.id_face.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "success": success,
            "match": match,
            "similarity": similarity,
            "distance": distance,
            "threshold": threshold,
            "confidence": confidence,
            "decision_confidence": decision_confidence,
            "metric": metric,
            "model": model,
            "selfie_face": selfie_face,
            "id_face": id_face,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.compared_face import ComparedFace # noqa: PLC0415
        d = dict(src_dict)
        success = d.pop("success")

        match = d.pop("match")

        similarity = d.pop("similarity")

        distance = d.pop("distance")

        threshold = d.pop("threshold")

        confidence = d.pop("confidence")

        decision_confidence = d.pop("decision_confidence")

        metric = d.pop("metric")

        model = d.pop("model")

        selfie_face = ComparedFace.from_dict(d.pop("selfie_face"))




        id_face = ComparedFace.from_dict(d.pop("id_face"))




        compare_response = cls(
            success=success,
            match=match,
            similarity=similarity,
            distance=distance,
            threshold=threshold,
            confidence=confidence,
            decision_confidence=decision_confidence,
            metric=metric,
            model=model,
            selfie_face=selfie_face,
            id_face=id_face,
        )


        compare_response.additional_properties = d
        return compare_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
