from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="Fitter")



@_attrs_define
class Fitter:
    """ 
        Attributes:
            fitter_type (str): mediapipe_mesh_478: MediaPipe's 468-point mesh plus 10 iris points
            num_keypoints (int):
            keypoints (list[float]): flat [x, y, z, x, y, z, ...] in image pixels (z relative, same scale; smaller = nearer)
            left_eye (list[float]): [x, y] pixels: centre of the SUBJECT's own left iris (on the image's right)
            right_eye (list[float]): [x, y] pixels: centre of the subject's own right iris (on the image's left)
            eye_convention (str): 'subject': left / right are the subject's own
            mesh_score (float): face-presence score of the mesh model, 0-1
     """

    fitter_type: str
    num_keypoints: int
    keypoints: list[float]
    left_eye: list[float]
    right_eye: list[float]
    eye_convention: str
    mesh_score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        fitter_type = self.fitter_type

        num_keypoints = self.num_keypoints

        keypoints = self.keypoints



        left_eye = self.left_eye



        right_eye = self.right_eye



        eye_convention = self.eye_convention

        mesh_score = self.mesh_score


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "fitter_type": fitter_type,
            "num_keypoints": num_keypoints,
            "keypoints": keypoints,
            "left_eye": left_eye,
            "right_eye": right_eye,
            "eye_convention": eye_convention,
            "mesh_score": mesh_score,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fitter_type = d.pop("fitter_type")

        num_keypoints = d.pop("num_keypoints")

        keypoints = cast(list[float], d.pop("keypoints"))


        left_eye = cast(list[float], d.pop("left_eye"))


        right_eye = cast(list[float], d.pop("right_eye"))


        eye_convention = d.pop("eye_convention")

        mesh_score = d.pop("mesh_score")

        fitter = cls(
            fitter_type=fitter_type,
            num_keypoints=num_keypoints,
            keypoints=keypoints,
            left_eye=left_eye,
            right_eye=right_eye,
            eye_convention=eye_convention,
            mesh_score=mesh_score,
        )


        fitter.additional_properties = d
        return fitter

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
