from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.classified import Classified
  from ..models.hair_colour import HairColour
  from ..models.hair_hat import HairHat
  from ..models.hair_length import HairLength





T = TypeVar("T", bound="Hair")



@_attrs_define
class Hair:
    """ 
        Attributes:
            type_ (Classified | None | Unset): hair-type-vit: curly, dreadlocks, kinky, straight, wavy
            length (HairLength | None | Unset): human parsing: short / medium / long from how far the hair reaches below the
                chin (below_chin, face heights)
            colour (HairColour | None | Unset): median colour of the parsed hair pixels: hex, name, lab
            hat (HairHat | None | Unset): value: hat pixels cover >= 8% of the face box; coverage
     """

    type_: Classified | None | Unset = UNSET
    length: HairLength | None | Unset = UNSET
    colour: HairColour | None | Unset = UNSET
    hat: HairHat | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.classified import Classified # noqa: PLC0415
        from ..models.hair_colour import HairColour # noqa: PLC0415
        from ..models.hair_hat import HairHat # noqa: PLC0415
        from ..models.hair_length import HairLength # noqa: PLC0415
        type_: dict[str, Any] | None | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, Classified):
            type_ = self.type_.to_dict()
        else:
            type_ = self.type_

        length: dict[str, Any] | None | Unset
        if isinstance(self.length, Unset):
            length = UNSET
        elif isinstance(self.length, HairLength):
            length = self.length.to_dict()
        else:
            length = self.length

        colour: dict[str, Any] | None | Unset
        if isinstance(self.colour, Unset):
            colour = UNSET
        elif isinstance(self.colour, HairColour):
            colour = self.colour.to_dict()
        else:
            colour = self.colour

        hat: dict[str, Any] | None | Unset
        if isinstance(self.hat, Unset):
            hat = UNSET
        elif isinstance(self.hat, HairHat):
            hat = self.hat.to_dict()
        else:
            hat = self.hat


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if type_ is not UNSET:
            field_dict["type"] = type_
        if length is not UNSET:
            field_dict["length"] = length
        if colour is not UNSET:
            field_dict["colour"] = colour
        if hat is not UNSET:
            field_dict["hat"] = hat

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.classified import Classified # noqa: PLC0415
        from ..models.hair_colour import HairColour # noqa: PLC0415
        from ..models.hair_hat import HairHat # noqa: PLC0415
        from ..models.hair_length import HairLength # noqa: PLC0415
        d = dict(src_dict)
        def _parse_type_(data: object) -> Classified | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                type_type_1 = Classified.from_dict(data)



                return type_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Classified | None | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))


        def _parse_length(data: object) -> HairLength | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                length_type_0 = HairLength.from_dict(data)



                return length_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HairLength | None | Unset, data)

        length = _parse_length(d.pop("length", UNSET))


        def _parse_colour(data: object) -> HairColour | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                colour_type_0 = HairColour.from_dict(data)



                return colour_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HairColour | None | Unset, data)

        colour = _parse_colour(d.pop("colour", UNSET))


        def _parse_hat(data: object) -> HairHat | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                hat_type_0 = HairHat.from_dict(data)



                return hat_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HairHat | None | Unset, data)

        hat = _parse_hat(d.pop("hat", UNSET))


        hair = cls(
            type_=type_,
            length=length,
            colour=colour,
            hat=hat,
        )


        hair.additional_properties = d
        return hair

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
