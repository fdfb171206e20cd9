from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.scaleflex_face_emotions import ScaleflexFaceEmotions
  from ..models.scaleflex_face_races import ScaleflexFaceRaces
  from ..models.scaleflex_face_unavailable import ScaleflexFaceUnavailable





T = TypeVar("T", bound="ScaleflexFace")



@_attrs_define
class ScaleflexFace:
    """ 
        Attributes:
            box (list[int]): [x1, y1, x2, y2] in whole pixels
            confidence (float):
            emotions (None | ScaleflexFaceEmotions): percentages, summing to 100
            dominant_emotion (None | str):
            races (None | ScaleflexFaceRaces): % per class of the ethnicity field (unmeasured, README "Race"); null with the
                reason when no model is stored
            dominant_race (None | str): the ethnicity field's label; null when no model is stored
            age (int | None): whole years
            gender (None | str): 'Male' or 'Female'
            unavailable (ScaleflexFaceUnavailable):
     """

    box: list[int]
    confidence: float
    emotions: None | ScaleflexFaceEmotions
    dominant_emotion: None | str
    races: None | ScaleflexFaceRaces
    dominant_race: None | str
    age: int | None
    gender: None | str
    unavailable: ScaleflexFaceUnavailable
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.scaleflex_face_emotions import ScaleflexFaceEmotions # noqa: PLC0415
        from ..models.scaleflex_face_races import ScaleflexFaceRaces # noqa: PLC0415
        from ..models.scaleflex_face_unavailable import ScaleflexFaceUnavailable # noqa: PLC0415
        box = self.box



        confidence = self.confidence

        emotions: dict[str, Any] | None
        if isinstance(self.emotions, ScaleflexFaceEmotions):
            emotions = self.emotions.to_dict()
        else:
            emotions = self.emotions

        dominant_emotion: None | str
        dominant_emotion = self.dominant_emotion

        races: dict[str, Any] | None
        if isinstance(self.races, ScaleflexFaceRaces):
            races = self.races.to_dict()
        else:
            races = self.races

        dominant_race: None | str
        dominant_race = self.dominant_race

        age: int | None
        age = self.age

        gender: None | str
        gender = self.gender

        unavailable = self.unavailable.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "box": box,
            "confidence": confidence,
            "emotions": emotions,
            "dominant_emotion": dominant_emotion,
            "races": races,
            "dominant_race": dominant_race,
            "age": age,
            "gender": gender,
            "unavailable": unavailable,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scaleflex_face_emotions import ScaleflexFaceEmotions # noqa: PLC0415
        from ..models.scaleflex_face_races import ScaleflexFaceRaces # noqa: PLC0415
        from ..models.scaleflex_face_unavailable import ScaleflexFaceUnavailable # noqa: PLC0415
        d = dict(src_dict)
        box = cast(list[int], d.pop("box"))


        confidence = d.pop("confidence")

        def _parse_emotions(data: object) -> None | ScaleflexFaceEmotions:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                emotions_type_0 = ScaleflexFaceEmotions.from_dict(data)



                return emotions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScaleflexFaceEmotions, data)

        emotions = _parse_emotions(d.pop("emotions"))


        def _parse_dominant_emotion(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dominant_emotion = _parse_dominant_emotion(d.pop("dominant_emotion"))


        def _parse_races(data: object) -> None | ScaleflexFaceRaces:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                races_type_0 = ScaleflexFaceRaces.from_dict(data)



                return races_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ScaleflexFaceRaces, data)

        races = _parse_races(d.pop("races"))


        def _parse_dominant_race(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        dominant_race = _parse_dominant_race(d.pop("dominant_race"))


        def _parse_age(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        age = _parse_age(d.pop("age"))


        def _parse_gender(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        gender = _parse_gender(d.pop("gender"))


        unavailable = ScaleflexFaceUnavailable.from_dict(d.pop("unavailable"))




        scaleflex_face = cls(
            box=box,
            confidence=confidence,
            emotions=emotions,
            dominant_emotion=dominant_emotion,
            races=races,
            dominant_race=dominant_race,
            age=age,
            gender=gender,
            unavailable=unavailable,
        )


        scaleflex_face.additional_properties = d
        return scaleflex_face

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
