from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.image_size import ImageSize
  from ..models.mask_face import MaskFace
  from ..models.mask_response_models import MaskResponseModels





T = TypeVar("T", bound="MaskResponse")



@_attrs_define
class MaskResponse:
    """ 
        Attributes:
            faces (list[MaskFace]): most prominent (largest) first
            face_count (int):
            faces_detected (int):
            image (ImageSize):
            models (MaskResponseModels):
     """

    faces: list[MaskFace]
    face_count: int
    faces_detected: int
    image: ImageSize
    models: MaskResponseModels
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.mask_face import MaskFace # noqa: PLC0415
        from ..models.mask_response_models import MaskResponseModels # noqa: PLC0415
        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        face_count = self.face_count

        faces_detected = self.faces_detected

        image = self.image.to_dict()

        models = self.models.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "faces": faces,
            "face_count": face_count,
            "faces_detected": faces_detected,
            "image": image,
            "models": models,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.mask_face import MaskFace # noqa: PLC0415
        from ..models.mask_response_models import MaskResponseModels # noqa: PLC0415
        d = dict(src_dict)
        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = MaskFace.from_dict(faces_item_data)



            faces.append(faces_item)


        face_count = d.pop("face_count")

        faces_detected = d.pop("faces_detected")

        image = ImageSize.from_dict(d.pop("image"))




        models = MaskResponseModels.from_dict(d.pop("models"))




        mask_response = cls(
            faces=faces,
            face_count=face_count,
            faces_detected=faces_detected,
            image=image,
            models=models,
        )


        mask_response.additional_properties = d
        return mask_response

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
