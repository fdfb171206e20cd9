from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.image_size import ImageSize
  from ..models.scaleflex_response_faces import ScaleflexResponseFaces
  from ..models.scaleflex_response_models import ScaleflexResponseModels





T = TypeVar("T", bound="ScaleflexResponse")



@_attrs_define
class ScaleflexResponse:
    """ 
        Attributes:
            status (str): 'success'
            version (str): this service's API version
            request_uuid (str): a new UUID per request
            faces (ScaleflexResponseFaces): face_0 (most prominent), face_1, ...
            face_count (int):
            image (ImageSize):
            models (ScaleflexResponseModels):
     """

    status: str
    version: str
    request_uuid: str
    faces: ScaleflexResponseFaces
    face_count: int
    image: ImageSize
    models: ScaleflexResponseModels
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.scaleflex_response_faces import ScaleflexResponseFaces # noqa: PLC0415
        from ..models.scaleflex_response_models import ScaleflexResponseModels # noqa: PLC0415
        status = self.status

        version = self.version

        request_uuid = self.request_uuid

        faces = self.faces.to_dict()

        face_count = self.face_count

        image = self.image.to_dict()

        models = self.models.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "version": version,
            "request_uuid": request_uuid,
            "faces": faces,
            "face_count": face_count,
            "image": image,
            "models": models,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.scaleflex_response_faces import ScaleflexResponseFaces # noqa: PLC0415
        from ..models.scaleflex_response_models import ScaleflexResponseModels # noqa: PLC0415
        d = dict(src_dict)
        status = d.pop("status")

        version = d.pop("version")

        request_uuid = d.pop("request_uuid")

        faces = ScaleflexResponseFaces.from_dict(d.pop("faces"))




        face_count = d.pop("face_count")

        image = ImageSize.from_dict(d.pop("image"))




        models = ScaleflexResponseModels.from_dict(d.pop("models"))




        scaleflex_response = cls(
            status=status,
            version=version,
            request_uuid=request_uuid,
            faces=faces,
            face_count=face_count,
            image=image,
            models=models,
        )


        scaleflex_response.additional_properties = d
        return scaleflex_response

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
