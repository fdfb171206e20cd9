from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.body_class import BodyClass
from typing import cast






T = TypeVar("T", bound="Body")



@_attrs_define
class Body:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] as fractions of the image (0..1)
            bbox_pixels (list[float]): [x1, y1, x2, y2] in pixels, clipped to the image: the BlazePose region (centre: hip
                key point, side 2.5 x hip to body key point), as an upright box
            confidence (float): the detector's score
            class_ (BodyClass):
            keypoints (list[list[float]]): 4 [x, y] pixel points: hip centre, full-body size / rotation point, shoulder
                centre, upper-body size / rotation point
            rotation (float): the body region's rotation, degrees (0: upright)
     """

    bbox: list[float]
    bbox_pixels: list[float]
    confidence: float
    class_: BodyClass
    keypoints: list[list[float]]
    rotation: float





    def to_dict(self) -> dict[str, Any]:
        bbox = self.bbox



        bbox_pixels = self.bbox_pixels



        confidence = self.confidence

        class_ = self.class_.value

        keypoints = []
        for keypoints_item_data in self.keypoints:
            keypoints_item = keypoints_item_data


            keypoints.append(keypoints_item)



        rotation = self.rotation


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "bbox": bbox,
            "bbox_pixels": bbox_pixels,
            "confidence": confidence,
            "class": class_,
            "keypoints": keypoints,
            "rotation": rotation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        bbox_pixels = cast(list[float], d.pop("bbox_pixels"))


        confidence = d.pop("confidence")

        class_ = BodyClass(d.pop("class"))




        keypoints = []
        _keypoints = d.pop("keypoints")
        for keypoints_item_data in (_keypoints):
            keypoints_item = cast(list[float], keypoints_item_data)

            keypoints.append(keypoints_item)


        rotation = d.pop("rotation")

        body = cls(
            bbox=bbox,
            bbox_pixels=bbox_pixels,
            confidence=confidence,
            class_=class_,
            keypoints=keypoints,
            rotation=rotation,
        )

        return body

