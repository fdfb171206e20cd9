from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.angles import Angles
  from ..models.fitter import Fitter





T = TypeVar("T", bound="FittedFace")



@_attrs_define
class FittedFace:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] as fractions of the image (0..1)
            bbox_pixels (list[float]): [x1, y1, x2, y2] in pixels
            confidence (float): detection score, 0-1
            fitter (Fitter):
            angles (Angles):
     """

    bbox: list[float]
    bbox_pixels: list[float]
    confidence: float
    fitter: Fitter
    angles: Angles
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.angles import Angles # noqa: PLC0415
        from ..models.fitter import Fitter # noqa: PLC0415
        bbox = self.bbox



        bbox_pixels = self.bbox_pixels



        confidence = self.confidence

        fitter = self.fitter.to_dict()

        angles = self.angles.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bbox": bbox,
            "bbox_pixels": bbox_pixels,
            "confidence": confidence,
            "fitter": fitter,
            "angles": angles,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.angles import Angles # noqa: PLC0415
        from ..models.fitter import Fitter # noqa: PLC0415
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        bbox_pixels = cast(list[float], d.pop("bbox_pixels"))


        confidence = d.pop("confidence")

        fitter = Fitter.from_dict(d.pop("fitter"))




        angles = Angles.from_dict(d.pop("angles"))




        fitted_face = cls(
            bbox=bbox,
            bbox_pixels=bbox_pixels,
            confidence=confidence,
            fitter=fitter,
            angles=angles,
        )


        fitted_face.additional_properties = d
        return fitted_face

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
