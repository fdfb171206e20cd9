from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="FaceScore")



@_attrs_define
class FaceScore:
    """ 
        Attributes:
            index (int):
            bbox (list[float]):
            confidence (float): NSFAS's meaning: the combined_score, 0-100
            detector_confidence (float): the face detector's score, 0-1
            size_score (float):
            position_score (float):
            combined_score (float):
     """

    index: int
    bbox: list[float]
    confidence: float
    detector_confidence: float
    size_score: float
    position_score: float
    combined_score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        index = self.index

        bbox = self.bbox



        confidence = self.confidence

        detector_confidence = self.detector_confidence

        size_score = self.size_score

        position_score = self.position_score

        combined_score = self.combined_score


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "bbox": bbox,
            "confidence": confidence,
            "detector_confidence": detector_confidence,
            "size_score": size_score,
            "position_score": position_score,
            "combined_score": combined_score,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        bbox = cast(list[float], d.pop("bbox"))


        confidence = d.pop("confidence")

        detector_confidence = d.pop("detector_confidence")

        size_score = d.pop("size_score")

        position_score = d.pop("position_score")

        combined_score = d.pop("combined_score")

        face_score = cls(
            index=index,
            bbox=bbox,
            confidence=confidence,
            detector_confidence=detector_confidence,
            size_score=size_score,
            position_score=position_score,
            combined_score=combined_score,
        )


        face_score.additional_properties = d
        return face_score

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
