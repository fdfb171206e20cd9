from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="VerifyRequest")



@_attrs_define
class VerifyRequest:
    """ 
        Attributes:
            template1 (str): a $template from /templates/extract
            template2 (str): a $template from /templates/extract (same model)
            operating_point (None | str | Unset): 'model' (default: the model's own threshold, dlib distance < 0.6, ArcFace
                < 1.2; 'dlib' is accepted as the same), 'far=<rate>' (the largest measured threshold whose false-accept rate is
                at most <rate>, e.g. far=1e-3), or a distance threshold as a number, e.g. '0.55'
            threshold (float | None | Unset): a distance threshold instead of operating_point
     """

    template1: str
    template2: str
    operating_point: None | str | Unset = UNSET
    threshold: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        template1 = self.template1

        template2 = self.template2

        operating_point: None | str | Unset
        if isinstance(self.operating_point, Unset):
            operating_point = UNSET
        else:
            operating_point = self.operating_point

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "template1": template1,
            "template2": template2,
        })
        if operating_point is not UNSET:
            field_dict["operating_point"] = operating_point
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        template1 = d.pop("template1")

        template2 = d.pop("template2")

        def _parse_operating_point(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        operating_point = _parse_operating_point(d.pop("operating_point", UNSET))


        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))


        verify_request = cls(
            template1=template1,
            template2=template2,
            operating_point=operating_point,
            threshold=threshold,
        )


        verify_request.additional_properties = d
        return verify_request

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
