from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.identify_response_faces_item_matches_item import IdentifyResponseFacesItemMatchesItem





T = TypeVar("T", bound="IdentifyResponseFacesItem")



@_attrs_define
class IdentifyResponseFacesItem:
    """ 
        Attributes:
            bbox (list[float] | None | Unset):
            subject_id (None | str | Unset): the best match, or null when unknown
            unknown (bool | Unset):
            matches (list[IdentifyResponseFacesItemMatchesItem] | Unset): top_k subjects, nearest first: subject_id,
                display_name, distance, face_id, match, fa_r, fr_r
     """

    bbox: list[float] | None | Unset = UNSET
    subject_id: None | str | Unset = UNSET
    unknown: bool | Unset = UNSET
    matches: list[IdentifyResponseFacesItemMatchesItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.identify_response_faces_item_matches_item import IdentifyResponseFacesItemMatchesItem # noqa: PLC0415
        bbox: list[float] | None | Unset
        if isinstance(self.bbox, Unset):
            bbox = UNSET
        elif isinstance(self.bbox, list):
            bbox = self.bbox


        else:
            bbox = self.bbox

        subject_id: None | str | Unset
        if isinstance(self.subject_id, Unset):
            subject_id = UNSET
        else:
            subject_id = self.subject_id

        unknown = self.unknown

        matches: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.matches, Unset):
            matches = []
            for matches_item_data in self.matches:
                matches_item = matches_item_data.to_dict()
                matches.append(matches_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if bbox is not UNSET:
            field_dict["bbox"] = bbox
        if subject_id is not UNSET:
            field_dict["subject_id"] = subject_id
        if unknown is not UNSET:
            field_dict["unknown"] = unknown
        if matches is not UNSET:
            field_dict["matches"] = matches

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.identify_response_faces_item_matches_item import IdentifyResponseFacesItemMatchesItem # noqa: PLC0415
        d = dict(src_dict)
        def _parse_bbox(data: object) -> list[float] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                bbox_type_0 = cast(list[float], data)

                return bbox_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None | Unset, data)

        bbox = _parse_bbox(d.pop("bbox", UNSET))


        def _parse_subject_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject_id = _parse_subject_id(d.pop("subject_id", UNSET))


        unknown = d.pop("unknown", UNSET)

        _matches = d.pop("matches", UNSET)
        matches: list[IdentifyResponseFacesItemMatchesItem] | Unset = UNSET
        if _matches is not UNSET:
            matches = []
            for matches_item_data in _matches:
                matches_item = IdentifyResponseFacesItemMatchesItem.from_dict(matches_item_data)



                matches.append(matches_item)


        identify_response_faces_item = cls(
            bbox=bbox,
            subject_id=subject_id,
            unknown=unknown,
            matches=matches,
        )


        identify_response_faces_item.additional_properties = d
        return identify_response_faces_item

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
