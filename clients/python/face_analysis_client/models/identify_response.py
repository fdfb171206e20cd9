from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.identify_response_calibration_type_0 import IdentifyResponseCalibrationType0
  from ..models.identify_response_faces_item import IdentifyResponseFacesItem





T = TypeVar("T", bound="IdentifyResponse")



@_attrs_define
class IdentifyResponse:
    """ 
        Attributes:
            model (str):
            faces (list[IdentifyResponseFacesItem]):
            threshold (float):
            gallery (str | Unset):
            far (float | None | Unset): the FAR asked for
            operating_point_far (float | None | Unset): the FAR measured at the threshold
            fpir_bound (float | None | Unset): at most subjects x FAR: the chance an unknown face gets a name
            calibration (IdentifyResponseCalibrationType0 | None | Unset):
     """

    model: str
    faces: list[IdentifyResponseFacesItem]
    threshold: float
    gallery: str | Unset = UNSET
    far: float | None | Unset = UNSET
    operating_point_far: float | None | Unset = UNSET
    fpir_bound: float | None | Unset = UNSET
    calibration: IdentifyResponseCalibrationType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.identify_response_calibration_type_0 import IdentifyResponseCalibrationType0 # noqa: PLC0415
        from ..models.identify_response_faces_item import IdentifyResponseFacesItem # noqa: PLC0415
        model = self.model

        faces = []
        for faces_item_data in self.faces:
            faces_item = faces_item_data.to_dict()
            faces.append(faces_item)



        threshold = self.threshold

        gallery = self.gallery

        far: float | None | Unset
        if isinstance(self.far, Unset):
            far = UNSET
        else:
            far = self.far

        operating_point_far: float | None | Unset
        if isinstance(self.operating_point_far, Unset):
            operating_point_far = UNSET
        else:
            operating_point_far = self.operating_point_far

        fpir_bound: float | None | Unset
        if isinstance(self.fpir_bound, Unset):
            fpir_bound = UNSET
        else:
            fpir_bound = self.fpir_bound

        calibration: dict[str, Any] | None | Unset
        if isinstance(self.calibration, Unset):
            calibration = UNSET
        elif isinstance(self.calibration, IdentifyResponseCalibrationType0):
            calibration = self.calibration.to_dict()
        else:
            calibration = self.calibration


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "model": model,
            "faces": faces,
            "threshold": threshold,
        })
        if gallery is not UNSET:
            field_dict["gallery"] = gallery
        if far is not UNSET:
            field_dict["far"] = far
        if operating_point_far is not UNSET:
            field_dict["operating_point_far"] = operating_point_far
        if fpir_bound is not UNSET:
            field_dict["fpir_bound"] = fpir_bound
        if calibration is not UNSET:
            field_dict["calibration"] = calibration

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.identify_response_calibration_type_0 import IdentifyResponseCalibrationType0 # noqa: PLC0415
        from ..models.identify_response_faces_item import IdentifyResponseFacesItem # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        faces = []
        _faces = d.pop("faces")
        for faces_item_data in (_faces):
            faces_item = IdentifyResponseFacesItem.from_dict(faces_item_data)



            faces.append(faces_item)


        threshold = d.pop("threshold")

        gallery = d.pop("gallery", UNSET)

        def _parse_far(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        far = _parse_far(d.pop("far", UNSET))


        def _parse_operating_point_far(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        operating_point_far = _parse_operating_point_far(d.pop("operating_point_far", UNSET))


        def _parse_fpir_bound(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        fpir_bound = _parse_fpir_bound(d.pop("fpir_bound", UNSET))


        def _parse_calibration(data: object) -> IdentifyResponseCalibrationType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                calibration_type_0 = IdentifyResponseCalibrationType0.from_dict(data)



                return calibration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IdentifyResponseCalibrationType0 | None | Unset, data)

        calibration = _parse_calibration(d.pop("calibration", UNSET))


        identify_response = cls(
            model=model,
            faces=faces,
            threshold=threshold,
            gallery=gallery,
            far=far,
            operating_point_far=operating_point_far,
            fpir_bound=fpir_bound,
            calibration=calibration,
        )


        identify_response.additional_properties = d
        return identify_response

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
