from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.emotion_scores import EmotionScores





T = TypeVar("T", bound="Emotion")



@_attrs_define
class Emotion:
    """ 
        Attributes:
            dominant (str):
            confidence (float):
            scores (EmotionScores): angry, disgust, fear, happy, sad, surprise, neutral (plus contempt from HSEmotion); they
                sum to 1
            valence (float | None | Unset): -1 (negative) .. 1 (positive); HSEmotion's enet_b0_8_va_mtl only (null from FER
                and enet_b0_8_best_afew: no such head)
            arousal (float | None | Unset): -1 (calm) .. 1 (excited); as valence
     """

    dominant: str
    confidence: float
    scores: EmotionScores
    valence: float | None | Unset = UNSET
    arousal: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.emotion_scores import EmotionScores # noqa: PLC0415
        dominant = self.dominant

        confidence = self.confidence

        scores = self.scores.to_dict()

        valence: float | None | Unset
        if isinstance(self.valence, Unset):
            valence = UNSET
        else:
            valence = self.valence

        arousal: float | None | Unset
        if isinstance(self.arousal, Unset):
            arousal = UNSET
        else:
            arousal = self.arousal


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "dominant": dominant,
            "confidence": confidence,
            "scores": scores,
        })
        if valence is not UNSET:
            field_dict["valence"] = valence
        if arousal is not UNSET:
            field_dict["arousal"] = arousal

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.emotion_scores import EmotionScores # noqa: PLC0415
        d = dict(src_dict)
        dominant = d.pop("dominant")

        confidence = d.pop("confidence")

        scores = EmotionScores.from_dict(d.pop("scores"))




        def _parse_valence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        valence = _parse_valence(d.pop("valence", UNSET))


        def _parse_arousal(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        arousal = _parse_arousal(d.pop("arousal", UNSET))


        emotion = cls(
            dominant=dominant,
            confidence=confidence,
            scores=scores,
            valence=valence,
            arousal=arousal,
        )


        emotion.additional_properties = d
        return emotion

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
