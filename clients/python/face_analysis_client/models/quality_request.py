from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast

if TYPE_CHECKING:
  from ..models.quality_request_thresholds import QualityRequestThresholds





T = TypeVar("T", bound="QualityRequest")



@_attrs_define
class QualityRequest:
    """ 
        Attributes:
            file (File):
            thresholds (QualityRequestThresholds | Unset): JSON object overriding thresholds, e.g. {"sharpness": 0.4,
                "eyeDistance": 60}; keys and defaults in README (Face quality)
            max_faces (int | Unset): faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)
     """

    file: File
    thresholds: QualityRequestThresholds | Unset = UNSET
    max_faces: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.quality_request_thresholds import QualityRequestThresholds # noqa: PLC0415
        file = self.file.to_tuple()


        thresholds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.thresholds, Unset):
            thresholds = self.thresholds.to_dict()

        max_faces = self.max_faces


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if thresholds is not UNSET:
            field_dict["thresholds"] = thresholds
        if max_faces is not UNSET:
            field_dict["max_faces"] = max_faces

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        from ..models.quality_request_thresholds import QualityRequestThresholds # noqa: PLC0415
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.thresholds, Unset):
            files.append(("thresholds", (None, json.dumps( self.thresholds.to_dict()).encode(), "application/json")))



        if not isinstance(self.max_faces, Unset):
            files.append(("max_faces", (None, str(self.max_faces).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_request_thresholds import QualityRequestThresholds # noqa: PLC0415
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        _thresholds = d.pop("thresholds", UNSET)
        thresholds: QualityRequestThresholds | Unset
        if isinstance(_thresholds,  Unset):
            thresholds = UNSET
        else:
            thresholds = QualityRequestThresholds.from_dict(_thresholds)




        max_faces = d.pop("max_faces", UNSET)

        quality_request = cls(
            file=file,
            thresholds=thresholds,
            max_faces=max_faces,
        )


        quality_request.additional_properties = d
        return quality_request

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
