from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="InsightFaceCompareRequest")



@_attrs_define
class InsightFaceCompareRequest:
    """ 
        Attributes:
            image1_url (None | str | Unset): http(s):// or s3:// URL
            image2_url (None | str | Unset): http(s):// or s3:// URL
            image1_base64 (None | str | Unset): base64 or a data: URL
            image2_base64 (None | str | Unset): base64 or a data: URL
            image1 (None | str | Unset): base64, a data: URL, or an http(s)/s3:// URL
            image2 (None | str | Unset): base64, a data: URL, or an http(s)/s3:// URL
     """

    image1_url: None | str | Unset = UNSET
    image2_url: None | str | Unset = UNSET
    image1_base64: None | str | Unset = UNSET
    image2_base64: None | str | Unset = UNSET
    image1: None | str | Unset = UNSET
    image2: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        image1_url: None | str | Unset
        if isinstance(self.image1_url, Unset):
            image1_url = UNSET
        else:
            image1_url = self.image1_url

        image2_url: None | str | Unset
        if isinstance(self.image2_url, Unset):
            image2_url = UNSET
        else:
            image2_url = self.image2_url

        image1_base64: None | str | Unset
        if isinstance(self.image1_base64, Unset):
            image1_base64 = UNSET
        else:
            image1_base64 = self.image1_base64

        image2_base64: None | str | Unset
        if isinstance(self.image2_base64, Unset):
            image2_base64 = UNSET
        else:
            image2_base64 = self.image2_base64

        image1: None | str | Unset
        if isinstance(self.image1, Unset):
            image1 = UNSET
        else:
            image1 = self.image1

        image2: None | str | Unset
        if isinstance(self.image2, Unset):
            image2 = UNSET
        else:
            image2 = self.image2


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if image1_url is not UNSET:
            field_dict["image1_url"] = image1_url
        if image2_url is not UNSET:
            field_dict["image2_url"] = image2_url
        if image1_base64 is not UNSET:
            field_dict["image1_base64"] = image1_base64
        if image2_base64 is not UNSET:
            field_dict["image2_base64"] = image2_base64
        if image1 is not UNSET:
            field_dict["image1"] = image1
        if image2 is not UNSET:
            field_dict["image2"] = image2

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_image1_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image1_url = _parse_image1_url(d.pop("image1_url", UNSET))


        def _parse_image2_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image2_url = _parse_image2_url(d.pop("image2_url", UNSET))


        def _parse_image1_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image1_base64 = _parse_image1_base64(d.pop("image1_base64", UNSET))


        def _parse_image2_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image2_base64 = _parse_image2_base64(d.pop("image2_base64", UNSET))


        def _parse_image1(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image1 = _parse_image1(d.pop("image1", UNSET))


        def _parse_image2(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image2 = _parse_image2(d.pop("image2", UNSET))


        insight_face_compare_request = cls(
            image1_url=image1_url,
            image2_url=image2_url,
            image1_base64=image1_base64,
            image2_base64=image2_base64,
            image1=image1,
            image2=image2,
        )


        insight_face_compare_request.additional_properties = d
        return insight_face_compare_request

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
