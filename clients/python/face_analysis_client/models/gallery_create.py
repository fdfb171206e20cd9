from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.gallery_create_metadata import GalleryCreateMetadata





T = TypeVar("T", bound="GalleryCreate")



@_attrs_define
class GalleryCreate:
    """ 
        Attributes:
            name (str):
            metadata (GalleryCreateMetadata | Unset):
     """

    name: str
    metadata: GalleryCreateMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.gallery_create_metadata import GalleryCreateMetadata # noqa: PLC0415
        name = self.name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gallery_create_metadata import GalleryCreateMetadata # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        _metadata = d.pop("metadata", UNSET)
        metadata: GalleryCreateMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = GalleryCreateMetadata.from_dict(_metadata)




        gallery_create = cls(
            name=name,
            metadata=metadata,
        )


        gallery_create.additional_properties = d
        return gallery_create

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
