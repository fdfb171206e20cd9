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






T = TypeVar("T", bound="GalleryPhotoUpload")



@_attrs_define
class GalleryPhotoUpload:
    """ 
        Attributes:
            file (File):
            far (float | Unset): false-accept rate per comparison the threshold is chosen for (default FACE_GALLERY_FAR,
                0.001), from the model's calibration table
            face_index (int | Unset): which face of a photo with several (0 = the largest); required then
            display_name (str | Unset):
            metadata (str | Unset): free JSON object (multipart: as JSON text), at most 16 KiB
            source (str | Unset): where the photo came from; a gallery enrols one source once
            min_quality (float | Unset): least capture-quality totalScore (default FACE_GALLERY_MIN_QUALITY)
            top_k (int | Unset): Default: 5.
     """

    file: File
    far: float | Unset = UNSET
    face_index: int | Unset = UNSET
    display_name: str | Unset = UNSET
    metadata: str | Unset = UNSET
    source: str | Unset = UNSET
    min_quality: float | Unset = UNSET
    top_k: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        far = self.far

        face_index = self.face_index

        display_name = self.display_name

        metadata = self.metadata

        source = self.source

        min_quality = self.min_quality

        top_k = self.top_k


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if far is not UNSET:
            field_dict["far"] = far
        if face_index is not UNSET:
            field_dict["face_index"] = face_index
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if source is not UNSET:
            field_dict["source"] = source
        if min_quality is not UNSET:
            field_dict["min_quality"] = min_quality
        if top_k is not UNSET:
            field_dict["top_k"] = top_k

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.far, Unset):
            files.append(("far", (None, str(self.far).encode(), "text/plain")))



        if not isinstance(self.face_index, Unset):
            files.append(("face_index", (None, str(self.face_index).encode(), "text/plain")))



        if not isinstance(self.display_name, Unset):
            files.append(("display_name", (None, str(self.display_name).encode(), "text/plain")))



        if not isinstance(self.metadata, Unset):
            files.append(("metadata", (None, str(self.metadata).encode(), "text/plain")))



        if not isinstance(self.source, Unset):
            files.append(("source", (None, str(self.source).encode(), "text/plain")))



        if not isinstance(self.min_quality, Unset):
            files.append(("min_quality", (None, str(self.min_quality).encode(), "text/plain")))



        if not isinstance(self.top_k, Unset):
            files.append(("top_k", (None, str(self.top_k).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        far = d.pop("far", UNSET)

        face_index = d.pop("face_index", UNSET)

        display_name = d.pop("display_name", UNSET)

        metadata = d.pop("metadata", UNSET)

        source = d.pop("source", UNSET)

        min_quality = d.pop("min_quality", UNSET)

        top_k = d.pop("top_k", UNSET)

        gallery_photo_upload = cls(
            file=file,
            far=far,
            face_index=face_index,
            display_name=display_name,
            metadata=metadata,
            source=source,
            min_quality=min_quality,
            top_k=top_k,
        )


        gallery_photo_upload.additional_properties = d
        return gallery_photo_upload

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
