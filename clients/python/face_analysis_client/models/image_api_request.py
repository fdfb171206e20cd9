from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.image_api_request_objects_item import ImageApiRequestObjectsItem





T = TypeVar("T", bound="ImageApiRequest")



@_attrs_define
class ImageApiRequest:
    """ 
        Attributes:
            image (str): the image, base64 (JPEG, PNG ...)
            objects (list[ImageApiRequestObjectsItem] | Unset): [{}] to find the faces here, or an earlier service's objects
                (with bbox) to add to Default: [{}].
            quality_threshold (float | Unset): quality-liveness-anti-spoofing only: the least totalScore accepted (default
                30)
     """

    image: str
    objects: list[ImageApiRequestObjectsItem] | Unset = UNSET
    quality_threshold: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_api_request_objects_item import ImageApiRequestObjectsItem # noqa: PLC0415
        image = self.image

        objects: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.objects, Unset):
            objects = []
            for objects_item_data in self.objects:
                objects_item = objects_item_data.to_dict()
                objects.append(objects_item)



        quality_threshold = self.quality_threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "$image": image,
        })
        if objects is not UNSET:
            field_dict["objects"] = objects
        if quality_threshold is not UNSET:
            field_dict["quality_threshold"] = quality_threshold

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_api_request_objects_item import ImageApiRequestObjectsItem # noqa: PLC0415
        d = dict(src_dict)
        image = d.pop("$image")

        _objects = d.pop("objects", UNSET)
        objects: list[ImageApiRequestObjectsItem] | Unset = UNSET
        if _objects is not UNSET:
            objects = []
            for objects_item_data in _objects:
                objects_item = ImageApiRequestObjectsItem.from_dict(objects_item_data)



                objects.append(objects_item)


        quality_threshold = d.pop("quality_threshold", UNSET)

        image_api_request = cls(
            image=image,
            objects=objects,
            quality_threshold=quality_threshold,
        )


        image_api_request.additional_properties = d
        return image_api_request

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
