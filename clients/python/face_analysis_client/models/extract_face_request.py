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






T = TypeVar("T", bound="ExtractFaceRequest")



@_attrs_define
class ExtractFaceRequest:
    """ 
        Attributes:
            file (File):
            page (int | Unset): PDF page (1-based) Default: 1.
            margin (float | Unset): margin around the face box, as a fraction of its size Default: 0.25.
     """

    file: File
    page: int | Unset = UNSET
    margin: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        page = self.page

        margin = self.margin


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if page is not UNSET:
            field_dict["page"] = page
        if margin is not UNSET:
            field_dict["margin"] = margin

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.page, Unset):
            files.append(("page", (None, str(self.page).encode(), "text/plain")))



        if not isinstance(self.margin, Unset):
            files.append(("margin", (None, str(self.margin).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        page = d.pop("page", UNSET)

        margin = d.pop("margin", UNSET)

        extract_face_request = cls(
            file=file,
            page=page,
            margin=margin,
        )


        extract_face_request.additional_properties = d
        return extract_face_request

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
