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






T = TypeVar("T", bound="LivenessRequest")



@_attrs_define
class LivenessRequest:
    """ 
        Attributes:
            file (File):
            mode (str | Unset): 'plain': exactly one face, else 422; 'quality': exactly one face whose quality totalScore
                reaches quality_threshold, else 422; 'all': every detected face Default: 'plain'.
            quality_threshold (float | Unset): mode=quality: the least quality totalScore (0-100) accepted Default: 50.0.
            liveness_threshold (float | Unset): score at or above which a face is REAL (MiniFASNet's alone in the default
                set; the two nets' mean with FACE_ANTISPOOF_MODEL=human) Default: 0.5.
            max_faces (int | Unset): faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)
     """

    file: File
    mode: str | Unset = UNSET
    quality_threshold: float | Unset = UNSET
    liveness_threshold: float | Unset = UNSET
    max_faces: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        mode = self.mode

        quality_threshold = self.quality_threshold

        liveness_threshold = self.liveness_threshold

        max_faces = self.max_faces


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if mode is not UNSET:
            field_dict["mode"] = mode
        if quality_threshold is not UNSET:
            field_dict["quality_threshold"] = quality_threshold
        if liveness_threshold is not UNSET:
            field_dict["liveness_threshold"] = liveness_threshold
        if max_faces is not UNSET:
            field_dict["max_faces"] = max_faces

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.mode, Unset):
            files.append(("mode", (None, str(self.mode).encode(), "text/plain")))



        if not isinstance(self.quality_threshold, Unset):
            files.append(("quality_threshold", (None, str(self.quality_threshold).encode(), "text/plain")))



        if not isinstance(self.liveness_threshold, Unset):
            files.append(("liveness_threshold", (None, str(self.liveness_threshold).encode(), "text/plain")))



        if not isinstance(self.max_faces, Unset):
            files.append(("max_faces", (None, str(self.max_faces).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        mode = d.pop("mode", UNSET)

        quality_threshold = d.pop("quality_threshold", UNSET)

        liveness_threshold = d.pop("liveness_threshold", UNSET)

        max_faces = d.pop("max_faces", UNSET)

        liveness_request = cls(
            file=file,
            mode=mode,
            quality_threshold=quality_threshold,
            liveness_threshold=liveness_threshold,
            max_faces=max_faces,
        )


        liveness_request.additional_properties = d
        return liveness_request

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
