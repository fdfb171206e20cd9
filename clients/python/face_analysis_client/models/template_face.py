from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="TemplateFace")



@_attrs_define
class TemplateFace:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] in pixels
            confidence (float): detection score, 0-1
            template (str): base64 of a JSON envelope {format, version, model, size, dtype, embedding}; see
                responses/templates.py
            template_size (int): embedding dimensions (128 dlib, 512 ArcFace)
            model (str): embedding model tag; only templates of one tag compare
     """

    bbox: list[float]
    confidence: float
    template: str
    template_size: int
    model: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        bbox = self.bbox



        confidence = self.confidence

        template = self.template

        template_size = self.template_size

        model = self.model


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bbox": bbox,
            "confidence": confidence,
            "$template": template,
            "template_size": template_size,
            "model": model,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        confidence = d.pop("confidence")

        template = d.pop("$template")

        template_size = d.pop("template_size")

        model = d.pop("model")

        template_face = cls(
            bbox=bbox,
            confidence=confidence,
            template=template,
            template_size=template_size,
            model=model,
        )


        template_face.additional_properties = d
        return template_face

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
