from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ClusterPhotos")



@_attrs_define
class ClusterPhotos:
    """ 
        Attributes:
            images (list[str] | Unset): base64 photos
            far (float | Unset): false-accept rate per comparison the threshold is chosen for (default FACE_GALLERY_FAR,
                0.001), from the model's calibration table
     """

    images: list[str] | Unset = UNSET
    far: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        images: list[str] | Unset = UNSET
        if not isinstance(self.images, Unset):
            images = self.images



        far = self.far


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if images is not UNSET:
            field_dict["images"] = images
        if far is not UNSET:
            field_dict["far"] = far

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        images = cast(list[str], d.pop("images", UNSET))


        far = d.pop("far", UNSET)

        cluster_photos = cls(
            images=images,
            far=far,
        )


        cluster_photos.additional_properties = d
        return cluster_photos

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
