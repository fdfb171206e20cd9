from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.mask_check_measure import MaskCheckMeasure
from typing import cast

if TYPE_CHECKING:
  from ..models.mask_check_regions import MaskCheckRegions
  from ..models.mask_check_thresholds import MaskCheckThresholds





T = TypeVar("T", bound="MaskCheck")



@_attrs_define
class MaskCheck:
    """ 
        Attributes:
            value (bool): the face is masked
            confidence (float): logistic of the score's distance to the threshold; not calibrated
            measure (MaskCheckMeasure):
            score (float): max(ln(foreheadDistance / its threshold), ln(lip threshold / lipContrast)); masked at >=
                threshold
            threshold (float):
            forehead_distance (float): median CIE76 distance of lower-face patches to the forehead's colour
            lip_contrast (float): CIE76 distance of the lips to the skin around them
            thresholds (MaskCheckThresholds):
            regions (MaskCheckRegions): each lower-face patch's distance to the forehead
     """

    value: bool
    confidence: float
    measure: MaskCheckMeasure
    score: float
    threshold: float
    forehead_distance: float
    lip_contrast: float
    thresholds: MaskCheckThresholds
    regions: MaskCheckRegions





    def to_dict(self) -> dict[str, Any]:
        from ..models.mask_check_regions import MaskCheckRegions # noqa: PLC0415
        from ..models.mask_check_thresholds import MaskCheckThresholds # noqa: PLC0415
        value = self.value

        confidence = self.confidence

        measure = self.measure.value

        score = self.score

        threshold = self.threshold

        forehead_distance = self.forehead_distance

        lip_contrast = self.lip_contrast

        thresholds = self.thresholds.to_dict()

        regions = self.regions.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "value": value,
            "confidence": confidence,
            "measure": measure,
            "score": score,
            "threshold": threshold,
            "foreheadDistance": forehead_distance,
            "lipContrast": lip_contrast,
            "thresholds": thresholds,
            "regions": regions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mask_check_regions import MaskCheckRegions # noqa: PLC0415
        from ..models.mask_check_thresholds import MaskCheckThresholds # noqa: PLC0415
        d = dict(src_dict)
        value = d.pop("value")

        confidence = d.pop("confidence")

        measure = MaskCheckMeasure(d.pop("measure"))




        score = d.pop("score")

        threshold = d.pop("threshold")

        forehead_distance = d.pop("foreheadDistance")

        lip_contrast = d.pop("lipContrast")

        thresholds = MaskCheckThresholds.from_dict(d.pop("thresholds"))




        regions = MaskCheckRegions.from_dict(d.pop("regions"))




        mask_check = cls(
            value=value,
            confidence=confidence,
            measure=measure,
            score=score,
            threshold=threshold,
            forehead_distance=forehead_distance,
            lip_contrast=lip_contrast,
            thresholds=thresholds,
            regions=regions,
        )

        return mask_check

