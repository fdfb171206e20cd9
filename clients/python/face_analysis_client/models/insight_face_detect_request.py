from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="InsightFaceDetectRequest")



@_attrs_define
class InsightFaceDetectRequest:
    """ 
        Attributes:
            image_base64 (None | str | Unset): base64 image or a data: URL
            image_url (None | str | Unset): http(s) or s3:// URL (send this or image_base64)
            max_faces (int | None | Unset): faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)
     """

    image_base64: None | str | Unset = UNSET
    image_url: None | str | Unset = UNSET
    max_faces: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        image_base64: None | str | Unset
        if isinstance(self.image_base64, Unset):
            image_base64 = UNSET
        else:
            image_base64 = self.image_base64

        image_url: None | str | Unset
        if isinstance(self.image_url, Unset):
            image_url = UNSET
        else:
            image_url = self.image_url

        max_faces: int | None | Unset
        if isinstance(self.max_faces, Unset):
            max_faces = UNSET
        else:
            max_faces = self.max_faces


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if image_base64 is not UNSET:
            field_dict["image_base64"] = image_base64
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
        if max_faces is not UNSET:
            field_dict["max_faces"] = max_faces

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_image_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image_base64 = _parse_image_base64(d.pop("image_base64", UNSET))


        def _parse_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image_url = _parse_image_url(d.pop("image_url", UNSET))


        def _parse_max_faces(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_faces = _parse_max_faces(d.pop("max_faces", UNSET))


        insight_face_detect_request = cls(
            image_base64=image_base64,
            image_url=image_url,
            max_faces=max_faces,
        )


        insight_face_detect_request.additional_properties = d
        return insight_face_detect_request

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
