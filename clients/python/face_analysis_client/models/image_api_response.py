from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.image_api_response_objects_item import ImageApiResponseObjectsItem





T = TypeVar("T", bound="ImageApiResponse")



@_attrs_define
class ImageApiResponse:
    """ 
        Attributes:
            objects (list[ImageApiResponseObjectsItem]): one per face or body: id, class, fractional bbox, confidence, and
                the service's own fields
            image (str | Unset): the request's image, echoed
     """

    objects: list[ImageApiResponseObjectsItem]
    image: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_api_response_objects_item import ImageApiResponseObjectsItem # noqa: PLC0415
        objects = []
        for objects_item_data in self.objects:
            objects_item = objects_item_data.to_dict()
            objects.append(objects_item)



        image = self.image


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "objects": objects,
        })
        if image is not UNSET:
            field_dict["$image"] = image

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_api_response_objects_item import ImageApiResponseObjectsItem # noqa: PLC0415
        d = dict(src_dict)
        objects = []
        _objects = d.pop("objects")
        for objects_item_data in (_objects):
            objects_item = ImageApiResponseObjectsItem.from_dict(objects_item_data)



            objects.append(objects_item)


        image = d.pop("$image", UNSET)

        image_api_response = cls(
            objects=objects,
            image=image,
        )


        image_api_response.additional_properties = d
        return image_api_response

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
