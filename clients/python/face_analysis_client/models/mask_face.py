from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.angles import Angles
  from ..models.mask_check import MaskCheck





T = TypeVar("T", bound="MaskFace")



@_attrs_define
class MaskFace:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] as fractions of the image (0..1)
            bbox_pixels (list[float]):
            confidence (float): the face detector's score
            mask (MaskCheck | None): null when not measurable (mask_skipped)
            mask_skipped (None | str):
            angles (Angles):
     """

    bbox: list[float]
    bbox_pixels: list[float]
    confidence: float
    mask: MaskCheck | None
    mask_skipped: None | str
    angles: Angles
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.angles import Angles # noqa: PLC0415
        from ..models.mask_check import MaskCheck # noqa: PLC0415
        bbox = self.bbox



        bbox_pixels = self.bbox_pixels



        confidence = self.confidence

        mask: dict[str, Any] | None
        if isinstance(self.mask, MaskCheck):
            mask = self.mask.to_dict()
        else:
            mask = self.mask

        mask_skipped: None | str
        mask_skipped = self.mask_skipped

        angles = self.angles.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bbox": bbox,
            "bbox_pixels": bbox_pixels,
            "confidence": confidence,
            "mask": mask,
            "mask_skipped": mask_skipped,
            "angles": angles,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.angles import Angles # noqa: PLC0415
        from ..models.mask_check import MaskCheck # noqa: PLC0415
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        bbox_pixels = cast(list[float], d.pop("bbox_pixels"))


        confidence = d.pop("confidence")

        def _parse_mask(data: object) -> MaskCheck | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mask_type_1 = MaskCheck.from_dict(data)



                return mask_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MaskCheck | None, data)

        mask = _parse_mask(d.pop("mask"))


        def _parse_mask_skipped(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        mask_skipped = _parse_mask_skipped(d.pop("mask_skipped"))


        angles = Angles.from_dict(d.pop("angles"))




        mask_face = cls(
            bbox=bbox,
            bbox_pixels=bbox_pixels,
            confidence=confidence,
            mask=mask,
            mask_skipped=mask_skipped,
            angles=angles,
        )


        mask_face.additional_properties = d
        return mask_face

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
