from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.analyze_batch_json_request_images_item_type_1 import AnalyzeBatchJsonRequestImagesItemType1





T = TypeVar("T", bound="AnalyzeBatchJsonRequest")



@_attrs_define
class AnalyzeBatchJsonRequest:
    """ 
        Attributes:
            images (list[AnalyzeBatchJsonRequestImagesItemType1 | str]): the photos, in order: each a base64 image, a data:
                URL or an http(s)/s3 URL, or an object {"image": ...} / {"image_url": ...}; at most FACE_BATCH_MAX_IMAGES
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

    images: list[AnalyzeBatchJsonRequestImagesItemType1 | str]
    attributes: list[str] | None | Unset = UNSET
    max_faces: int | None | Unset = UNSET
    return_embedding: bool | Unset = UNSET
    return_landmarks: bool | Unset = UNSET
    output_format: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.analyze_batch_json_request_images_item_type_1 import AnalyzeBatchJsonRequestImagesItemType1 # noqa: PLC0415
        images = []
        for images_item_data in self.images:
            images_item: dict[str, Any] | str
            if isinstance(images_item_data, AnalyzeBatchJsonRequestImagesItemType1):
                images_item = images_item_data.to_dict()
            else:
                images_item = images_item_data
            images.append(images_item)



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
            "images": images,
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



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.analyze_batch_json_request_images_item_type_1 import AnalyzeBatchJsonRequestImagesItemType1 # noqa: PLC0415
        d = dict(src_dict)
        images = []
        _images = d.pop("images")
        for images_item_data in (_images):
            def _parse_images_item(data: object) -> AnalyzeBatchJsonRequestImagesItemType1 | str:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    images_item_type_1 = AnalyzeBatchJsonRequestImagesItemType1.from_dict(data)



                    return images_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(AnalyzeBatchJsonRequestImagesItemType1 | str, data)

            images_item = _parse_images_item(images_item_data)

            images.append(images_item)


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

        analyze_batch_json_request = cls(
            images=images,
            attributes=attributes,
            max_faces=max_faces,
            return_embedding=return_embedding,
            return_landmarks=return_landmarks,
            output_format=output_format,
        )


        analyze_batch_json_request.additional_properties = d
        return analyze_batch_json_request

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
