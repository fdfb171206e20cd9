from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="Pose")



@_attrs_define
class Pose:
    """ 
        Attributes:
            yaw (float): degrees; > 0: the subject turns towards the image's right
            pitch (float): degrees; > 0: looking up
            roll (float): degrees; > 0: counter-clockwise as seen
            method (str): 'mesh' (3-D fit) or the coarse 5-point estimate
     """

    yaw: float
    pitch: float
    roll: float
    method: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        yaw = self.yaw

        pitch = self.pitch

        roll = self.roll

        method = self.method


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "yaw": yaw,
            "pitch": pitch,
            "roll": roll,
            "method": method,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        yaw = d.pop("yaw")

        pitch = d.pop("pitch")

        roll = d.pop("roll")

        method = d.pop("method")

        pose = cls(
            yaw=yaw,
            pitch=pitch,
            roll=roll,
            method=method,
        )


        pose.additional_properties = d
        return pose

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
