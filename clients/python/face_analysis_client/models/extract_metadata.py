from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.extract_metadata_face_size import ExtractMetadataFaceSize
  from ..models.face_score import FaceScore





T = TypeVar("T", bound="ExtractMetadata")



@_attrs_define
class ExtractMetadata:
    """ 
        Attributes:
            total_faces (int):
            selected_index (int):
            confidence (float): NSFAS's meaning: the selected face's combined_score, 0-100
            detector_confidence (float): the face detector's score, 0-1
            bbox (list[float]):
            crop_box (list[int]):
            face_size (ExtractMetadataFaceSize):
            size_score (float): 0-100, area relative to the largest face
            position_score (float): 0-100, closeness to the top-centre
            combined_score (float): 0.7 size + 0.3 position
            all_faces (list[FaceScore]):
     """

    total_faces: int
    selected_index: int
    confidence: float
    detector_confidence: float
    bbox: list[float]
    crop_box: list[int]
    face_size: ExtractMetadataFaceSize
    size_score: float
    position_score: float
    combined_score: float
    all_faces: list[FaceScore]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.extract_metadata_face_size import ExtractMetadataFaceSize # noqa: PLC0415
        from ..models.face_score import FaceScore # noqa: PLC0415
        total_faces = self.total_faces

        selected_index = self.selected_index

        confidence = self.confidence

        detector_confidence = self.detector_confidence

        bbox = self.bbox



        crop_box = self.crop_box



        face_size = self.face_size.to_dict()

        size_score = self.size_score

        position_score = self.position_score

        combined_score = self.combined_score

        all_faces = []
        for all_faces_item_data in self.all_faces:
            all_faces_item = all_faces_item_data.to_dict()
            all_faces.append(all_faces_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "total_faces": total_faces,
            "selected_index": selected_index,
            "confidence": confidence,
            "detector_confidence": detector_confidence,
            "bbox": bbox,
            "crop_box": crop_box,
            "face_size": face_size,
            "size_score": size_score,
            "position_score": position_score,
            "combined_score": combined_score,
            "all_faces": all_faces,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extract_metadata_face_size import ExtractMetadataFaceSize # noqa: PLC0415
        from ..models.face_score import FaceScore # noqa: PLC0415
        d = dict(src_dict)
        total_faces = d.pop("total_faces")

        selected_index = d.pop("selected_index")

        confidence = d.pop("confidence")

        detector_confidence = d.pop("detector_confidence")

        bbox = cast(list[float], d.pop("bbox"))


        crop_box = cast(list[int], d.pop("crop_box"))


        face_size = ExtractMetadataFaceSize.from_dict(d.pop("face_size"))




        size_score = d.pop("size_score")

        position_score = d.pop("position_score")

        combined_score = d.pop("combined_score")

        all_faces = []
        _all_faces = d.pop("all_faces")
        for all_faces_item_data in (_all_faces):
            all_faces_item = FaceScore.from_dict(all_faces_item_data)



            all_faces.append(all_faces_item)


        extract_metadata = cls(
            total_faces=total_faces,
            selected_index=selected_index,
            confidence=confidence,
            detector_confidence=detector_confidence,
            bbox=bbox,
            crop_box=crop_box,
            face_size=face_size,
            size_score=size_score,
            position_score=position_score,
            combined_score=combined_score,
            all_faces=all_faces,
        )


        extract_metadata.additional_properties = d
        return extract_metadata

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
