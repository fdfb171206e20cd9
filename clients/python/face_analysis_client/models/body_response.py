from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.body import Body
  from ..models.body_response_models import BodyResponseModels
  from ..models.image_size import ImageSize





T = TypeVar("T", bound="BodyResponse")



@_attrs_define
class BodyResponse:
    """ 
        Attributes:
            bodies (list[Body]): best score first
            body_count (int):
            image (ImageSize):
            models (BodyResponseModels):
     """

    bodies: list[Body]
    body_count: int
    image: ImageSize
    models: BodyResponseModels
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.body import Body # noqa: PLC0415
        from ..models.body_response_models import BodyResponseModels # noqa: PLC0415
        from ..models.image_size import ImageSize # noqa: PLC0415
        bodies = []
        for bodies_item_data in self.bodies:
            bodies_item = bodies_item_data.to_dict()
            bodies.append(bodies_item)



        body_count = self.body_count

        image = self.image.to_dict()

        models = self.models.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bodies": bodies,
            "body_count": body_count,
            "image": image,
            "models": models,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.body import Body # noqa: PLC0415
        from ..models.body_response_models import BodyResponseModels # noqa: PLC0415
        from ..models.image_size import ImageSize # noqa: PLC0415
        d = dict(src_dict)
        bodies = []
        _bodies = d.pop("bodies")
        for bodies_item_data in (_bodies):
            bodies_item = Body.from_dict(bodies_item_data)



            bodies.append(bodies_item)


        body_count = d.pop("body_count")

        image = ImageSize.from_dict(d.pop("image"))




        models = BodyResponseModels.from_dict(d.pop("models"))




        body_response = cls(
            bodies=bodies,
            body_count=body_count,
            image=image,
            models=models,
        )


        body_response.additional_properties = d
        return body_response

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
