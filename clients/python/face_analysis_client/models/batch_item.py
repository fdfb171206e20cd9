from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.analyze_response import AnalyzeResponse
  from ..models.batch_error import BatchError
  from ..models.scaleflex_response import ScaleflexResponse





T = TypeVar("T", bound="BatchItem")



@_attrs_define
class BatchItem:
    """ 
        Attributes:
            index (int): the photo's place in the request, from 0
            name (None | str): the file name, or the URL; null for base64
            status (int): what /analyze would have answered for this photo alone
            result (AnalyzeResponse | None | ScaleflexResponse | Unset): /analyze's answer (status 200)
            error (BatchError | None | Unset): why not (other statuses)
     """

    index: int
    name: None | str
    status: int
    result: AnalyzeResponse | None | ScaleflexResponse | Unset = UNSET
    error: BatchError | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.analyze_response import AnalyzeResponse # noqa: PLC0415
        from ..models.batch_error import BatchError # noqa: PLC0415
        from ..models.scaleflex_response import ScaleflexResponse # noqa: PLC0415
        index = self.index

        name: None | str
        name = self.name

        status = self.status

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, AnalyzeResponse):
            result = self.result.to_dict()
        elif isinstance(self.result, ScaleflexResponse):
            result = self.result.to_dict()
        else:
            result = self.result

        error: dict[str, Any] | None | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        elif isinstance(self.error, BatchError):
            error = self.error.to_dict()
        else:
            error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "name": name,
            "status": status,
        })
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analyze_response import AnalyzeResponse # noqa: PLC0415
        from ..models.batch_error import BatchError # noqa: PLC0415
        from ..models.scaleflex_response import ScaleflexResponse # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        status = d.pop("status")

        def _parse_result(data: object) -> AnalyzeResponse | None | ScaleflexResponse | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = AnalyzeResponse.from_dict(data)



                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_1 = ScaleflexResponse.from_dict(data)



                return result_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnalyzeResponse | None | ScaleflexResponse | Unset, data)

        result = _parse_result(d.pop("result", UNSET))


        def _parse_error(data: object) -> BatchError | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_1 = BatchError.from_dict(data)



                return error_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchError | None | Unset, data)

        error = _parse_error(d.pop("error", UNSET))


        batch_item = cls(
            index=index,
            name=name,
            status=status,
            result=result,
            error=error,
        )


        batch_item.additional_properties = d
        return batch_item

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
