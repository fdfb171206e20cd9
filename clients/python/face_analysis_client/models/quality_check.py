from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.quality_check_threshold_type_1 import QualityCheckThresholdType1





T = TypeVar("T", bound="QualityCheck")



@_attrs_define
class QualityCheck:
    """ 
        Attributes:
            passed (bool):
            score (float): 0-100; 50 exactly at the threshold
            value (float): the raw measure (see measures/quality.py)
            threshold (float | QualityCheckThresholdType1):
            comparison (str): how value is held against threshold
     """

    passed: bool
    score: float
    value: float
    threshold: float | QualityCheckThresholdType1
    comparison: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.quality_check_threshold_type_1 import QualityCheckThresholdType1 # noqa: PLC0415
        passed = self.passed

        score = self.score

        value = self.value

        threshold: dict[str, Any] | float
        if isinstance(self.threshold, QualityCheckThresholdType1):
            threshold = self.threshold.to_dict()
        else:
            threshold = self.threshold

        comparison = self.comparison


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "passed": passed,
            "score": score,
            "value": value,
            "threshold": threshold,
            "comparison": comparison,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_check_threshold_type_1 import QualityCheckThresholdType1 # noqa: PLC0415
        d = dict(src_dict)
        passed = d.pop("passed")

        score = d.pop("score")

        value = d.pop("value")

        def _parse_threshold(data: object) -> float | QualityCheckThresholdType1:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                threshold_type_1 = QualityCheckThresholdType1.from_dict(data)



                return threshold_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(float | QualityCheckThresholdType1, data)

        threshold = _parse_threshold(d.pop("threshold"))


        comparison = d.pop("comparison")

        quality_check = cls(
            passed=passed,
            score=score,
            value=value,
            threshold=threshold,
            comparison=comparison,
        )


        quality_check.additional_properties = d
        return quality_check

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
