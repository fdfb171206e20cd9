from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AnalyzeBase64Request")



@_attrs_define
class AnalyzeBase64Request:
    """ 
        Attributes:
            image (None | str | Unset): base64 image, or a data: URL (send this or image_url)
            image_url (None | str | Unset): http(s) URL or s3://bucket/key of the image, fetched by the server: public
                addresses only unless FACE_URL_ALLOWLIST permits (send this or image)
            attributes (list[str] | None | Unset): a list, or a comma string, of ['age', 'gender', 'emotion', 'pose',
                'expression', 'colour', 'landmarks', 'embedding', 'beauty', 'ethnicity', 'obstruction', 'hair', 'blendshapes']
                or 'all' (multipart: also the field repeated, or a JSON list string); default: all but embedding, landmarks,
                beauty and ethnicity
            max_faces (int | None | Unset): faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)
            return_embedding (bool | Unset): Default: false.
            return_landmarks (bool | Unset): add the 478-point mesh and 68 points Default: false.
            output_format (str | Unset): one of ['native', 'scaleflex']: 'scaleflex' keys faces face_0, face_1, ... with
                box, emotions (%), dominant_emotion, age, gender, races (%; the default attributes include ethnicity in this
                format) Default: 'native'.
     """

    image: None | str | Unset = UNSET
    image_url: None | str | Unset = UNSET
    attributes: list[str] | None | Unset = UNSET
    max_faces: int | None | Unset = UNSET
    return_embedding: bool | Unset = UNSET
    return_landmarks: bool | Unset = UNSET
    output_format: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        image: None | str | Unset
        if isinstance(self.image, Unset):
            image = UNSET
        else:
            image = self.image

        image_url: None | str | Unset
        if isinstance(self.image_url, Unset):
            image_url = UNSET
        else:
            image_url = self.image_url

        attributes: list[str] | None | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, list):
            attributes = self.attributes


        else:
            attributes = self.attributes

        max_faces: int | None | Unset
        if isinstance(self.max_faces, Unset):
            max_faces = UNSET
        else:
            max_faces = self.max_faces

        return_embedding = self.return_embedding

        return_landmarks = self.return_landmarks

        output_format = self.output_format


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if image is not UNSET:
            field_dict["image"] = image
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
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



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_image(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image = _parse_image(d.pop("image", UNSET))


        def _parse_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image_url = _parse_image_url(d.pop("image_url", UNSET))


        def _parse_attributes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attributes_type_0 = cast(list[str], data)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))


        def _parse_max_faces(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_faces = _parse_max_faces(d.pop("max_faces", UNSET))


        return_embedding = d.pop("return_embedding", UNSET)

        return_landmarks = d.pop("return_landmarks", UNSET)

        output_format = d.pop("output_format", UNSET)

        analyze_base_64_request = cls(
            image=image,
            image_url=image_url,
            attributes=attributes,
            max_faces=max_faces,
            return_embedding=return_embedding,
            return_landmarks=return_landmarks,
            output_format=output_format,
        )


        analyze_base_64_request.additional_properties = d
        return analyze_base_64_request

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
