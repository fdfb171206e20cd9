from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.liveness import Liveness
  from ..models.liveness_face_quality import LivenessFaceQuality





T = TypeVar("T", bound="LivenessFace")



@_attrs_define
class LivenessFace:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] as fractions of the image (0..1)
            bbox_pixels (list[float]):
            confidence (float): detection score, 0-1
            liveness (Liveness):
            quality (LivenessFaceQuality | None | Unset): mode=quality: the face's totalScore, the quality threshold and
                passed
     """

    bbox: list[float]
    bbox_pixels: list[float]
    confidence: float
    liveness: Liveness
    quality: LivenessFaceQuality | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.liveness import Liveness # noqa: PLC0415
        from ..models.liveness_face_quality import LivenessFaceQuality # noqa: PLC0415
        bbox = self.bbox



        bbox_pixels = self.bbox_pixels



        confidence = self.confidence

        liveness = self.liveness.to_dict()

        quality: dict[str, Any] | None | Unset
        if isinstance(self.quality, Unset):
            quality = UNSET
        elif isinstance(self.quality, LivenessFaceQuality):
            quality = self.quality.to_dict()
        else:
            quality = self.quality


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bbox": bbox,
            "bbox_pixels": bbox_pixels,
            "confidence": confidence,
            "liveness": liveness,
        })
        if quality is not UNSET:
            field_dict["quality"] = quality

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.liveness import Liveness # noqa: PLC0415
        from ..models.liveness_face_quality import LivenessFaceQuality # noqa: PLC0415
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        bbox_pixels = cast(list[float], d.pop("bbox_pixels"))


        confidence = d.pop("confidence")

        liveness = Liveness.from_dict(d.pop("liveness"))




        def _parse_quality(data: object) -> LivenessFaceQuality | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quality_type_0 = LivenessFaceQuality.from_dict(data)



                return quality_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LivenessFaceQuality | None | Unset, data)

        quality = _parse_quality(d.pop("quality", UNSET))


        liveness_face = cls(
            bbox=bbox,
            bbox_pixels=bbox_pixels,
            confidence=confidence,
            liveness=liveness,
            quality=quality,
        )


        liveness_face.additional_properties = d
        return liveness_face

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
