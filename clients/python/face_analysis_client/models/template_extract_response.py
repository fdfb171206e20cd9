from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.template_face import TemplateFace





T = TypeVar("T", bound="TemplateExtractResponse")



@_attrs_define
class TemplateExtractResponse:
    """ 
        Attributes:
            faces (list[TemplateFace]): most prominent (largest) first
            face_count (int):
            model (str):
     """

    faces: list[TemplateFace]
    face_count: int
    model: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.template_face import TemplateFace # noqa: PLC0415
        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        face_count = self.face_count

        model = self.model


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "faces": faces,
            "face_count": face_count,
            "model": model,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_face import TemplateFace # noqa: PLC0415
        d = dict(src_dict)
        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = TemplateFace.from_dict(faces_item_data)



            faces.append(faces_item)


        face_count = d.pop("face_count")

        model = d.pop("model")

        template_extract_response = cls(
            faces=faces,
            face_count=face_count,
            model=model,
        )


        template_extract_response.additional_properties = d
        return template_extract_response

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
