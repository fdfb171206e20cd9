from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="InsightFaceCompareResponse")



@_attrs_define
class InsightFaceCompareResponse:
    """ 
        Attributes:
            similarity (float): 0..1, higher = more similar: the cosine of the unit embeddings, 0 where it is negative
            cosine (float): the cosine of the unit embeddings, -1..1
            distance (float): euclidean distance under the model's metric (dlib: raw descriptors; ArcFace: unit vectors)
            match (bool): distance below the model's own threshold (dlib 0.6, ArcFace 1.2 = cosine 0.28)
            model (str):
     """

    similarity: float
    cosine: float
    distance: float
    match: bool
    model: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        similarity = self.similarity

        cosine = self.cosine

        distance = self.distance

        match = self.match

        model = self.model


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "similarity": similarity,
            "cosine": cosine,
            "distance": distance,
            "match": match,
            "model": model,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        similarity = d.pop("similarity")

        cosine = d.pop("cosine")

        distance = d.pop("distance")

        match = d.pop("match")

        model = d.pop("model")

        insight_face_compare_response = cls(
            similarity=similarity,
            cosine=cosine,
            distance=distance,
            match=match,
            model=model,
        )


        insight_face_compare_response.additional_properties = d
        return insight_face_compare_response

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
