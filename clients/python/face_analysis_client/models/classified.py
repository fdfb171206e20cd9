from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.classified_scores import ClassifiedScores





T = TypeVar("T", bound="Classified")



@_attrs_define
class Classified:
    """ 
        Attributes:
            dominant (str): the most likely label (lower case)
            confidence (float):
            scores (ClassifiedScores): softmax over the model's labels; sum to 1
     """

    dominant: str
    confidence: float
    scores: ClassifiedScores
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.classified_scores import ClassifiedScores # noqa: PLC0415
        dominant = self.dominant

        confidence = self.confidence

        scores = self.scores.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "dominant": dominant,
            "confidence": confidence,
            "scores": scores,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.classified_scores import ClassifiedScores # noqa: PLC0415
        d = dict(src_dict)
        dominant = d.pop("dominant")

        confidence = d.pop("confidence")

        scores = ClassifiedScores.from_dict(d.pop("scores"))




        classified = cls(
            dominant=dominant,
            confidence=confidence,
            scores=scores,
        )


        classified.additional_properties = d
        return classified

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
