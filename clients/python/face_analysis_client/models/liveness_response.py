from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.liveness_response_mode import LivenessResponseMode
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.image_size import ImageSize
  from ..models.liveness import Liveness
  from ..models.liveness_face import LivenessFace
  from ..models.liveness_response_models import LivenessResponseModels





T = TypeVar("T", bound="LivenessResponse")



@_attrs_define
class LivenessResponse:
    """ 
        Attributes:
            mode (LivenessResponseMode):
            faces (list[LivenessFace]): most prominent (largest) first
            face_count (int):
            faces_detected (int):
            image (ImageSize):
            models (LivenessResponseModels):
            liveness (Liveness | None | Unset): plain and quality: the one face's verdict
     """

    mode: LivenessResponseMode
    faces: list[LivenessFace]
    face_count: int
    faces_detected: int
    image: ImageSize
    models: LivenessResponseModels
    liveness: Liveness | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.liveness import Liveness # noqa: PLC0415
        from ..models.liveness_face import LivenessFace # noqa: PLC0415
        from ..models.liveness_response_models import LivenessResponseModels # noqa: PLC0415
        mode = self.mode.value

        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        face_count = self.face_count

        faces_detected = self.faces_detected

        image = self.image.to_dict()

        models = self.models.to_dict()

        liveness: dict[str, Any] | None | Unset
        if isinstance(self.liveness, Unset):
            liveness = UNSET
        elif isinstance(self.liveness, Liveness):
            liveness = self.liveness.to_dict()
        else:
            liveness = self.liveness


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "mode": mode,
            "faces": faces,
            "face_count": face_count,
            "faces_detected": faces_detected,
            "image": image,
            "models": models,
        })
        if liveness is not UNSET:
            field_dict["liveness"] = liveness

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_size import ImageSize # noqa: PLC0415
        from ..models.liveness import Liveness # noqa: PLC0415
        from ..models.liveness_face import LivenessFace # noqa: PLC0415
        from ..models.liveness_response_models import LivenessResponseModels # noqa: PLC0415
        d = dict(src_dict)
        mode = LivenessResponseMode(d.pop("mode"))




        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = LivenessFace.from_dict(faces_item_data)



            faces.append(faces_item)


        face_count = d.pop("face_count")

        faces_detected = d.pop("faces_detected")

        image = ImageSize.from_dict(d.pop("image"))




        models = LivenessResponseModels.from_dict(d.pop("models"))




        def _parse_liveness(data: object) -> Liveness | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                liveness_type_1 = Liveness.from_dict(data)



                return liveness_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Liveness | None | Unset, data)

        liveness = _parse_liveness(d.pop("liveness", UNSET))


        liveness_response = cls(
            mode=mode,
            faces=faces,
            face_count=face_count,
            faces_detected=faces_detected,
            image=image,
            models=models,
            liveness=liveness,
        )


        liveness_response.additional_properties = d
        return liveness_response

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
