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






T = TypeVar("T", bound="CompareFacesRequest")



@_attrs_define
class CompareFacesRequest:
    """ 
        Attributes:
            selfie (File):
            id_photo (File):
            threshold (float | Unset): euclidean distance below which the faces match; default: the embedding model's own
                (dlib 0.6, ArcFace 1.2 on unit vectors = cosine 0.28)
            id_page (int | Unset): page, when id_photo is a PDF Default: 1.
     """

    selfie: File
    id_photo: File
    threshold: float | Unset = UNSET
    id_page: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        selfie = self.selfie.to_tuple()


        id_photo = self.id_photo.to_tuple()


        threshold = self.threshold

        id_page = self.id_page


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "selfie": selfie,
            "id_photo": id_photo,
        })
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if id_page is not UNSET:
            field_dict["id_page"] = id_page

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("selfie", self.selfie.to_tuple()))



        files.append(("id_photo", self.id_photo.to_tuple()))



        if not isinstance(self.threshold, Unset):
            files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))



        if not isinstance(self.id_page, Unset):
            files.append(("id_page", (None, str(self.id_page).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        selfie = File(
             payload = BytesIO(d.pop("selfie"))
        )




        id_photo = File(
             payload = BytesIO(d.pop("id_photo"))
        )




        threshold = d.pop("threshold", UNSET)

        id_page = d.pop("id_page", UNSET)

        compare_faces_request = cls(
            selfie=selfie,
            id_photo=id_photo,
            threshold=threshold,
            id_page=id_page,
        )


        compare_faces_request.additional_properties = d
        return compare_faces_request

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
