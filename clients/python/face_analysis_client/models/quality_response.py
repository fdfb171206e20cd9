from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.image_size import ImageSize
  from ..models.quality_face import QualityFace
  from ..models.quality_response_models import QualityResponseModels
  from ..models.quality_response_thresholds import QualityResponseThresholds





T = TypeVar("T", bound="QualityResponse")



@_attrs_define
class QualityResponse:
    """ 
        Attributes:
            faces (list[QualityFace]): most prominent (largest) first
            face_count (int):
            faces_detected (int):
            image (ImageSize):
            thresholds (QualityResponseThresholds): the thresholds applied (defaults updated with the request's)
            models (QualityResponseModels):
     """

    faces: list[QualityFace]
    face_count: int
    faces_detected: int
    image: ImageSize
    thresholds: QualityResponseThresholds
    models: QualityResponseModels
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.quality_face import QualityFace # noqa: PLC0415
        from ..models.quality_response_models import QualityResponseModels # noqa: PLC0415
        from ..models.quality_response_thresholds import QualityResponseThresholds # noqa: PLC0415
        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        face_count = self.face_count

        faces_detected = self.faces_detected

        image = self.image.to_dict()

        thresholds = self.thresholds.to_dict()

        models = self.models.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "faces": faces,
            "face_count": face_count,
            "faces_detected": faces_detected,
            "image": image,
            "thresholds": thresholds,
            "models": models,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.quality_face import QualityFace # noqa: PLC0415
        from ..models.quality_response_models import QualityResponseModels # noqa: PLC0415
        from ..models.quality_response_thresholds import QualityResponseThresholds # noqa: PLC0415
        d = dict(src_dict)
        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = QualityFace.from_dict(faces_item_data)



            faces.append(faces_item)


        face_count = d.pop("face_count")

        faces_detected = d.pop("faces_detected")

        image = ImageSize.from_dict(d.pop("image"))




        thresholds = QualityResponseThresholds.from_dict(d.pop("thresholds"))




        models = QualityResponseModels.from_dict(d.pop("models"))




        quality_response = cls(
            faces=faces,
            face_count=face_count,
            faces_detected=faces_detected,
            image=image,
            thresholds=thresholds,
            models=models,
        )


        quality_response.additional_properties = d
        return quality_response

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
