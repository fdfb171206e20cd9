from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.validation_errors_detail_item import ValidationErrorsDetailItem





T = TypeVar("T", bound="ValidationErrors")



@_attrs_define
class ValidationErrors:
    """ a field that fails its declared type or bounds (BentoML's check, before the endpoint runs): one entry per problem

        Attributes:
            detail (list[ValidationErrorsDetailItem]):
            error (str | Unset):
     """

    detail: list[ValidationErrorsDetailItem]
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.validation_errors_detail_item import ValidationErrorsDetailItem # noqa: PLC0415
        detail = []
        for detail_item_data in self.detail:
            detail_item = detail_item_data.to_dict()
            detail.append(detail_item)



        error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "detail": detail,
        })
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_errors_detail_item import ValidationErrorsDetailItem # noqa: PLC0415
        d = dict(src_dict)
        detail = []
        _detail = d.pop("detail")
        for detail_item_data in (_detail):
            detail_item = ValidationErrorsDetailItem.from_dict(detail_item_data)



            detail.append(detail_item)


        error = d.pop("error", UNSET)

        validation_errors = cls(
            detail=detail,
            error=error,
        )


        validation_errors.additional_properties = d
        return validation_errors

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
