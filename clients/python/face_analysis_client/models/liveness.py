from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.liveness_value import LivenessValue
from typing import cast

if TYPE_CHECKING:
  from ..models.liveness_scores import LivenessScores





T = TypeVar("T", bound="Liveness")



@_attrs_define
class Liveness:
    """ 
        Attributes:
            value (LivenessValue):
            confidence (float): score for REAL, 1 - score for FAKE
            score (float): the antispoof score alone where its model decides alone (MiniFASNet, the default), else the two
                scores' mean
            scores (LivenessScores):
            threshold (float): score at or above which a face is REAL
     """

    value: LivenessValue
    confidence: float
    score: float
    scores: LivenessScores
    threshold: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.liveness_scores import LivenessScores # noqa: PLC0415
        value = self.value.value

        confidence = self.confidence

        score = self.score

        scores = self.scores.to_dict()

        threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "value": value,
            "confidence": confidence,
            "score": score,
            "scores": scores,
            "threshold": threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.liveness_scores import LivenessScores # noqa: PLC0415
        d = dict(src_dict)
        value = LivenessValue(d.pop("value"))




        confidence = d.pop("confidence")

        score = d.pop("score")

        scores = LivenessScores.from_dict(d.pop("scores"))




        threshold = d.pop("threshold")

        liveness = cls(
            value=value,
            confidence=confidence,
            score=score,
            scores=scores,
            threshold=threshold,
        )


        liveness.additional_properties = d
        return liveness

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
