from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.extract_metadata import ExtractMetadata





T = TypeVar("T", bound="ExtractFaceResponse")



@_attrs_define
class ExtractFaceResponse:
    """ 
        Attributes:
            success (bool):
            face_image (str): data:image/jpeg;base64,... of the face with a margin
            metadata (ExtractMetadata):
     """

    success: bool
    face_image: str
    metadata: ExtractMetadata
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.extract_metadata import ExtractMetadata # noqa: PLC0415
        success = self.success

        face_image = self.face_image

        metadata = self.metadata.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "success": success,
            "face_image": face_image,
            "metadata": metadata,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extract_metadata import ExtractMetadata # noqa: PLC0415
        d = dict(src_dict)
        success = d.pop("success")

        face_image = d.pop("face_image")

        metadata = ExtractMetadata.from_dict(d.pop("metadata"))




        extract_face_response = cls(
            success=success,
            face_image=face_image,
            metadata=metadata,
        )


        extract_face_response.additional_properties = d
        return extract_face_response

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
