from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.insight_face_face_unavailable import InsightFaceFaceUnavailable





T = TypeVar("T", bound="InsightFaceFace")



@_attrs_define
class InsightFaceFace:
    """ 
        Attributes:
            bounding_box (list[float]): [x1, y1, x2, y2] in pixels
            confidence (float):
            landmarks (list[list[float]]): 5 points [x, y]: left eye, right eye, nose, mouth left, mouth right (as seen)
            feature (list[float] | None): unit-normalised embedding (dlib 128, ArcFace 512)
            roll (float | None):
            yaw (float | None):
            pitch (float | None):
            quality (float | None): /quality's totalScore / 100: 0..1
            mask_confidence (float | None): 0-1, 'masked' from /mask's check (not calibrated)
            liveness_confidence (float | None): 0-1, /liveness's score (unvalidated)
            gender (None | str): 'Male' or 'Female'
            age_bracket (None | str): e.g. '20-29 years old', '70+ years old'
            race (None | str): the ethnicity field's label (face-race-gear, or face-ethnicity-vit when stored; unmeasured,
                README "Race"); null with the reason when no model is stored
            unavailable (InsightFaceFaceUnavailable): field -> why it is null
     """

    bounding_box: list[float]
    confidence: float
    landmarks: list[list[float]]
    feature: list[float] | None
    roll: float | None
    yaw: float | None
    pitch: float | None
    quality: float | None
    mask_confidence: float | None
    liveness_confidence: float | None
    gender: None | str
    age_bracket: None | str
    race: None | str
    unavailable: InsightFaceFaceUnavailable
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.insight_face_face_unavailable import InsightFaceFaceUnavailable # noqa: PLC0415
        bounding_box = self.bounding_box



        confidence = self.confidence

        landmarks = []
        for landmarks_item_data in self.landmarks:
            landmarks_item = landmarks_item_data


            landmarks.append(landmarks_item)



        feature: list[float] | None
        if isinstance(self.feature, list):
            feature = self.feature


        else:
            feature = self.feature

        roll: float | None
        roll = self.roll

        yaw: float | None
        yaw = self.yaw

        pitch: float | None
        pitch = self.pitch

        quality: float | None
        quality = self.quality

        mask_confidence: float | None
        mask_confidence = self.mask_confidence

        liveness_confidence: float | None
        liveness_confidence = self.liveness_confidence

        gender: None | str
        gender = self.gender

        age_bracket: None | str
        age_bracket = self.age_bracket

        race: None | str
        race = self.race

        unavailable = self.unavailable.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bounding_box": bounding_box,
            "confidence": confidence,
            "landmarks": landmarks,
            "feature": feature,
            "roll": roll,
            "yaw": yaw,
            "pitch": pitch,
            "quality": quality,
            "mask_confidence": mask_confidence,
            "liveness_confidence": liveness_confidence,
            "gender": gender,
            "age_bracket": age_bracket,
            "race": race,
            "unavailable": unavailable,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.insight_face_face_unavailable import InsightFaceFaceUnavailable # noqa: PLC0415
        d = dict(src_dict)
        bounding_box = cast(list[float], d.pop("bounding_box"))


        confidence = d.pop("confidence")

        landmarks = []
        _landmarks = d.pop("landmarks")
        for landmarks_item_data in (_landmarks):
            landmarks_item = cast(list[float], landmarks_item_data)

            landmarks.append(landmarks_item)


        def _parse_feature(data: object) -> list[float] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                feature_type_0 = cast(list[float], data)

                return feature_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None, data)

        feature = _parse_feature(d.pop("feature"))


        def _parse_roll(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        roll = _parse_roll(d.pop("roll"))


        def _parse_yaw(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        yaw = _parse_yaw(d.pop("yaw"))


        def _parse_pitch(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        pitch = _parse_pitch(d.pop("pitch"))


        def _parse_quality(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        quality = _parse_quality(d.pop("quality"))


        def _parse_mask_confidence(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mask_confidence = _parse_mask_confidence(d.pop("mask_confidence"))


        def _parse_liveness_confidence(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        liveness_confidence = _parse_liveness_confidence(d.pop("liveness_confidence"))


        def _parse_gender(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        gender = _parse_gender(d.pop("gender"))


        def _parse_age_bracket(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        age_bracket = _parse_age_bracket(d.pop("age_bracket"))


        def _parse_race(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        race = _parse_race(d.pop("race"))


        unavailable = InsightFaceFaceUnavailable.from_dict(d.pop("unavailable"))




        insight_face_face = cls(
            bounding_box=bounding_box,
            confidence=confidence,
            landmarks=landmarks,
            feature=feature,
            roll=roll,
            yaw=yaw,
            pitch=pitch,
            quality=quality,
            mask_confidence=mask_confidence,
            liveness_confidence=liveness_confidence,
            gender=gender,
            age_bracket=age_bracket,
            race=race,
            unavailable=unavailable,
        )


        insight_face_face.additional_properties = d
        return insight_face_face

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
