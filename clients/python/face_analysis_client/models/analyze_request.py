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






T = TypeVar("T", bound="AnalyzeRequest")



@_attrs_define
class AnalyzeRequest:
    """ 
        Attributes:
            file (File):
            attributes (list[str] | Unset): a list, or a comma string, of ['age', 'gender', 'emotion', 'pose', 'expression',
                'colour', 'landmarks', 'embedding', 'beauty', 'ethnicity', 'obstruction', 'hair', 'blendshapes'] or 'all'
                (multipart: also the field repeated, or a JSON list string); default: all but embedding, landmarks, beauty and
                ethnicity
            max_faces (int | Unset): faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)
            return_embedding (bool | Unset): Default: false.
            return_landmarks (bool | Unset): Default: false.
            output_format (str | Unset): one of ['native', 'scaleflex']: 'scaleflex' keys faces face_0, face_1, ... with
                box, emotions (%), dominant_emotion, age, gender, races (%; the default attributes include ethnicity in this
                format) Default: 'native'.
     """

    file: File
    attributes: list[str] | Unset = UNSET
    max_faces: int | Unset = UNSET
    return_embedding: bool | Unset = UNSET
    return_landmarks: bool | Unset = UNSET
    output_format: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        attributes: list[str] | Unset = UNSET
        if not isinstance(self.attributes, Unset):
            attributes = self.attributes



        max_faces = self.max_faces

        return_embedding = self.return_embedding

        return_landmarks = self.return_landmarks

        output_format = self.output_format


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
        })
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if max_faces is not UNSET:
            field_dict["max_faces"] = max_faces
        if return_embedding is not UNSET:
            field_dict["return_embedding"] = return_embedding
        if return_landmarks is not UNSET:
            field_dict["return_landmarks"] = return_landmarks
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.attributes, Unset):
            for attributes_item_element in self.attributes:
                files.append(("attributes", (None, str(attributes_item_element).encode(), "text/plain")))




        if not isinstance(self.max_faces, Unset):
            files.append(("max_faces", (None, str(self.max_faces).encode(), "text/plain")))



        if not isinstance(self.return_embedding, Unset):
            files.append(("return_embedding", (None, str(self.return_embedding).encode(), "text/plain")))



        if not isinstance(self.return_landmarks, Unset):
            files.append(("return_landmarks", (None, str(self.return_landmarks).encode(), "text/plain")))



        if not isinstance(self.output_format, Unset):
            files.append(("output_format", (None, str(self.output_format).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        attributes = cast(list[str], d.pop("attributes", UNSET))


        max_faces = d.pop("max_faces", UNSET)

        return_embedding = d.pop("return_embedding", UNSET)

        return_landmarks = d.pop("return_landmarks", UNSET)

        output_format = d.pop("output_format", UNSET)

        analyze_request = cls(
            file=file,
            attributes=attributes,
            max_faces=max_faces,
            return_embedding=return_embedding,
            return_landmarks=return_landmarks,
            output_format=output_format,
        )


        analyze_request.additional_properties = d
        return analyze_request

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
