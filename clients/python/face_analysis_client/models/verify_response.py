from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.verify_response_calibration import VerifyResponseCalibration
  from ..models.verify_response_unavailable import VerifyResponseUnavailable





T = TypeVar("T", bound="VerifyResponse")



@_attrs_define
class VerifyResponse:
    """ 
        Attributes:
            distance (float): euclidean distance under the model's metric (dlib: raw descriptors; ArcFace: unit vectors)
            score (float): 0-100: 100 * (1 - distance / (2 * the model's threshold)), clipped; 50 at the model's threshold
            threshold (float): distance threshold of the operating point
            operating_point (str): 'model' (dlib 0.6, ArcFace 1.2), 'far=<rate>' or 'threshold'
            match (bool): distance < threshold
            model (str):
            fa_r (float): measured false-accept rate at this distance
            fr_r (float): measured false-reject rate at this distance
            operating_point_far (float):
            operating_point_frr (float):
            calibration (VerifyResponseCalibration): provenance of the FAR/FRR table
            unavailable (None | Unset | VerifyResponseUnavailable):
     """

    distance: float
    score: float
    threshold: float
    operating_point: str
    match: bool
    model: str
    fa_r: float
    fr_r: float
    operating_point_far: float
    operating_point_frr: float
    calibration: VerifyResponseCalibration
    unavailable: None | Unset | VerifyResponseUnavailable = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.verify_response_calibration import VerifyResponseCalibration # noqa: PLC0415
        from ..models.verify_response_unavailable import VerifyResponseUnavailable # noqa: PLC0415
        distance = self.distance

        score = self.score

        threshold = self.threshold

        operating_point = self.operating_point

        match = self.match

        model = self.model

        fa_r = self.fa_r

        fr_r = self.fr_r

        operating_point_far = self.operating_point_far

        operating_point_frr = self.operating_point_frr

        calibration = self.calibration.to_dict()

        unavailable: dict[str, Any] | None | Unset
        if isinstance(self.unavailable, Unset):
            unavailable = UNSET
        elif isinstance(self.unavailable, VerifyResponseUnavailable):
            unavailable = self.unavailable.to_dict()
        else:
            unavailable = self.unavailable


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "distance": distance,
            "score": score,
            "threshold": threshold,
            "operating_point": operating_point,
            "match": match,
            "model": model,
            "fa_r": fa_r,
            "fr_r": fr_r,
            "operating_point_far": operating_point_far,
            "operating_point_frr": operating_point_frr,
            "calibration": calibration,
        })
        if unavailable is not UNSET:
            field_dict["unavailable"] = unavailable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.verify_response_calibration import VerifyResponseCalibration # noqa: PLC0415
        from ..models.verify_response_unavailable import VerifyResponseUnavailable # noqa: PLC0415
        d = dict(src_dict)
        distance = d.pop("distance")

        score = d.pop("score")

        threshold = d.pop("threshold")

        operating_point = d.pop("operating_point")

        match = d.pop("match")

        model = d.pop("model")

        fa_r = d.pop("fa_r")

        fr_r = d.pop("fr_r")

        operating_point_far = d.pop("operating_point_far")

        operating_point_frr = d.pop("operating_point_frr")

        calibration = VerifyResponseCalibration.from_dict(d.pop("calibration"))




        def _parse_unavailable(data: object) -> None | Unset | VerifyResponseUnavailable:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                unavailable_type_0 = VerifyResponseUnavailable.from_dict(data)



                return unavailable_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | VerifyResponseUnavailable, data)

        unavailable = _parse_unavailable(d.pop("unavailable", UNSET))


        verify_response = cls(
            distance=distance,
            score=score,
            threshold=threshold,
            operating_point=operating_point,
            match=match,
            model=model,
            fa_r=fa_r,
            fr_r=fr_r,
            operating_point_far=operating_point_far,
            operating_point_frr=operating_point_frr,
            calibration=calibration,
            unavailable=unavailable,
        )


        verify_response.additional_properties = d
        return verify_response

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
