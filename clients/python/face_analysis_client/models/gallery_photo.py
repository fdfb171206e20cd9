from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.gallery_photo_metadata import GalleryPhotoMetadata





T = TypeVar("T", bound="GalleryPhoto")



@_attrs_define
class GalleryPhoto:
    """ 
        Attributes:
            image (str | Unset): JSON: the photo, base64 or a data: URL
            far (float | Unset): false-accept rate per comparison the threshold is chosen for (default FACE_GALLERY_FAR,
                0.001), from the model's calibration table
            face_index (int | Unset): which face of a photo with several (0 = the largest); required then
            display_name (str | Unset):
            metadata (GalleryPhotoMetadata | Unset): free JSON object (multipart: as JSON text), at most 16 KiB
            source (str | Unset): where the photo came from; a gallery enrols one source once
            min_quality (float | Unset): least capture-quality totalScore (default FACE_GALLERY_MIN_QUALITY)
            template (str | Unset): identify: a $template from /templates/extract instead of a photo (of the gallery's
                model)
            top_k (int | Unset): Default: 5.
            max_faces (int | Unset):
     """

    image: str | Unset = UNSET
    far: float | Unset = UNSET
    face_index: int | Unset = UNSET
    display_name: str | Unset = UNSET
    metadata: GalleryPhotoMetadata | Unset = UNSET
    source: str | Unset = UNSET
    min_quality: float | Unset = UNSET
    template: str | Unset = UNSET
    top_k: int | Unset = UNSET
    max_faces: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.gallery_photo_metadata import GalleryPhotoMetadata # noqa: PLC0415
        image = self.image

        far = self.far

        face_index = self.face_index

        display_name = self.display_name

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        source = self.source

        min_quality = self.min_quality

        template = self.template

        top_k = self.top_k

        max_faces = self.max_faces


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if image is not UNSET:
            field_dict["image"] = image
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
        if template is not UNSET:
            field_dict["template"] = template
        if top_k is not UNSET:
            field_dict["top_k"] = top_k
        if max_faces is not UNSET:
            field_dict["max_faces"] = max_faces

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gallery_photo_metadata import GalleryPhotoMetadata # noqa: PLC0415
        d = dict(src_dict)
        image = d.pop("image", UNSET)

        far = d.pop("far", UNSET)

        face_index = d.pop("face_index", UNSET)

        display_name = d.pop("display_name", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: GalleryPhotoMetadata | Unset
        if isinstance(_metadata,  Unset):
            metadata = UNSET
        else:
            metadata = GalleryPhotoMetadata.from_dict(_metadata)




        source = d.pop("source", UNSET)

        min_quality = d.pop("min_quality", UNSET)

        template = d.pop("template", UNSET)

        top_k = d.pop("top_k", UNSET)

        max_faces = d.pop("max_faces", UNSET)

        gallery_photo = cls(
            image=image,
            far=far,
            face_index=face_index,
            display_name=display_name,
            metadata=metadata,
            source=source,
            min_quality=min_quality,
            template=template,
            top_k=top_k,
            max_faces=max_faces,
        )


        gallery_photo.additional_properties = d
        return gallery_photo

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
