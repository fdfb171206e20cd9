from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ImageSize")



@_attrs_define
class ImageSize:
    """ 
        Attributes:
            width (int):
            height (int):
            analysed_width (int | None | Unset): /analyze, only when the upload was a JPEG larger than
                FACE_ANALYSIS_MAX_SIDE: the size it was decoded and analysed at (1/2, 1/4 or 1/8); positions and lengths are
                still in the upload's pixels
            analysed_height (int | None | Unset):
     """

    width: int
    height: int
    analysed_width: int | None | Unset = UNSET
    analysed_height: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        width = self.width

        height = self.height

        analysed_width: int | None | Unset
        if isinstance(self.analysed_width, Unset):
            analysed_width = UNSET
        else:
            analysed_width = self.analysed_width

        analysed_height: int | None | Unset
        if isinstance(self.analysed_height, Unset):
            analysed_height = UNSET
        else:
            analysed_height = self.analysed_height


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "width": width,
            "height": height,
        })
        if analysed_width is not UNSET:
            field_dict["analysed_width"] = analysed_width
        if analysed_height is not UNSET:
            field_dict["analysed_height"] = analysed_height

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        width = d.pop("width")

        height = d.pop("height")

        def _parse_analysed_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        analysed_width = _parse_analysed_width(d.pop("analysed_width", UNSET))


        def _parse_analysed_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        analysed_height = _parse_analysed_height(d.pop("analysed_height", UNSET))


        image_size = cls(
            width=width,
            height=height,
            analysed_width=analysed_width,
            analysed_height=analysed_height,
        )


        image_size.additional_properties = d
        return image_size

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
