from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.analyze_response_models import AnalyzeResponseModels
  from ..models.analyze_response_timings_ms import AnalyzeResponseTimingsMs
  from ..models.face import Face
  from ..models.image_size import ImageSize





T = TypeVar("T", bound="AnalyzeResponse")



@_attrs_define
class AnalyzeResponse:
    """ 
        Attributes:
            faces (list[Face]): most prominent (largest) first
            face_count (int):
            faces_detected (int): faces found before max_faces was applied
            image (ImageSize):
            models (AnalyzeResponseModels): field -> model tag that answered it
            timings_ms (AnalyzeResponseTimingsMs):
     """

    faces: list[Face]
    face_count: int
    faces_detected: int
    image: ImageSize
    models: AnalyzeResponseModels
    timings_ms: AnalyzeResponseTimingsMs
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.analyze_response_models import AnalyzeResponseModels # noqa: PLC0415
        from ..models.analyze_response_timings_ms import AnalyzeResponseTimingsMs # noqa: PLC0415
        from ..models.face import Face # noqa: PLC0415
        from ..models.image_size import ImageSize # noqa: PLC0415
        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        face_count = self.face_count

        faces_detected = self.faces_detected

        image = self.image.to_dict()

        models = self.models.to_dict()

        timings_ms = self.timings_ms.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "faces": faces,
            "face_count": face_count,
            "faces_detected": faces_detected,
            "image": image,
            "models": models,
            "timings_ms": timings_ms,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analyze_response_models import AnalyzeResponseModels # noqa: PLC0415
        from ..models.analyze_response_timings_ms import AnalyzeResponseTimingsMs # noqa: PLC0415
        from ..models.face import Face # noqa: PLC0415
        from ..models.image_size import ImageSize # noqa: PLC0415
        d = dict(src_dict)
        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = Face.from_dict(faces_item_data)



            faces.append(faces_item)


        face_count = d.pop("face_count")

        faces_detected = d.pop("faces_detected")

        image = ImageSize.from_dict(d.pop("image"))




        models = AnalyzeResponseModels.from_dict(d.pop("models"))




        timings_ms = AnalyzeResponseTimingsMs.from_dict(d.pop("timings_ms"))




        analyze_response = cls(
            faces=faces,
            face_count=face_count,
            faces_detected=faces_detected,
            image=image,
            models=models,
            timings_ms=timings_ms,
        )


        analyze_response.additional_properties = d
        return analyze_response

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
