from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.quality_assessment_skipped import QualityAssessmentSkipped
  from ..models.quality_check import QualityCheck





T = TypeVar("T", bound="QualityAssessment")



@_attrs_define
class QualityAssessment:
    """ 
        Attributes:
            total_score (float): mean score of the computed checks
            passed (bool): every computed check passed
            checks_computed (int):
            checks_passed (int):
            skipped (QualityAssessmentSkipped): check -> why it is null
            sharpness (None | QualityCheck):
            illumination (None | QualityCheck):
            even_illumination (None | QualityCheck):
            no_flare (None | QualityCheck):
            left_eye_open (None | QualityCheck): the subject's own left eye
            right_eye_open (None | QualityCheck):
            background_uniformity (None | QualityCheck):
            dynamic_range (None | QualityCheck):
            eye_distance (None | QualityCheck):
            noise (None | QualityCheck):
            margins (None | QualityCheck):
            neutral_emotion (None | QualityCheck):
            not_masked (None | QualityCheck):
            watermark (None | QualityCheck):
            rotation (None | QualityCheck):
     """

    total_score: float
    passed: bool
    checks_computed: int
    checks_passed: int
    skipped: QualityAssessmentSkipped
    sharpness: None | QualityCheck
    illumination: None | QualityCheck
    even_illumination: None | QualityCheck
    no_flare: None | QualityCheck
    left_eye_open: None | QualityCheck
    right_eye_open: None | QualityCheck
    background_uniformity: None | QualityCheck
    dynamic_range: None | QualityCheck
    eye_distance: None | QualityCheck
    noise: None | QualityCheck
    margins: None | QualityCheck
    neutral_emotion: None | QualityCheck
    not_masked: None | QualityCheck
    watermark: None | QualityCheck
    rotation: None | QualityCheck





    def to_dict(self) -> dict[str, Any]:
        from ..models.quality_assessment_skipped import QualityAssessmentSkipped # noqa: PLC0415
        from ..models.quality_check import QualityCheck # noqa: PLC0415
        total_score = self.total_score

        passed = self.passed

        checks_computed = self.checks_computed

        checks_passed = self.checks_passed

        skipped = self.skipped.to_dict()

        sharpness: dict[str, Any] | None
        if isinstance(self.sharpness, QualityCheck):
            sharpness = self.sharpness.to_dict()
        else:
            sharpness = self.sharpness

        illumination: dict[str, Any] | None
        if isinstance(self.illumination, QualityCheck):
            illumination = self.illumination.to_dict()
        else:
            illumination = self.illumination

        even_illumination: dict[str, Any] | None
        if isinstance(self.even_illumination, QualityCheck):
            even_illumination = self.even_illumination.to_dict()
        else:
            even_illumination = self.even_illumination

        no_flare: dict[str, Any] | None
        if isinstance(self.no_flare, QualityCheck):
            no_flare = self.no_flare.to_dict()
        else:
            no_flare = self.no_flare

        left_eye_open: dict[str, Any] | None
        if isinstance(self.left_eye_open, QualityCheck):
            left_eye_open = self.left_eye_open.to_dict()
        else:
            left_eye_open = self.left_eye_open

        right_eye_open: dict[str, Any] | None
        if isinstance(self.right_eye_open, QualityCheck):
            right_eye_open = self.right_eye_open.to_dict()
        else:
            right_eye_open = self.right_eye_open

        background_uniformity: dict[str, Any] | None
        if isinstance(self.background_uniformity, QualityCheck):
            background_uniformity = self.background_uniformity.to_dict()
        else:
            background_uniformity = self.background_uniformity

        dynamic_range: dict[str, Any] | None
        if isinstance(self.dynamic_range, QualityCheck):
            dynamic_range = self.dynamic_range.to_dict()
        else:
            dynamic_range = self.dynamic_range

        eye_distance: dict[str, Any] | None
        if isinstance(self.eye_distance, QualityCheck):
            eye_distance = self.eye_distance.to_dict()
        else:
            eye_distance = self.eye_distance

        noise: dict[str, Any] | None
        if isinstance(self.noise, QualityCheck):
            noise = self.noise.to_dict()
        else:
            noise = self.noise

        margins: dict[str, Any] | None
        if isinstance(self.margins, QualityCheck):
            margins = self.margins.to_dict()
        else:
            margins = self.margins

        neutral_emotion: dict[str, Any] | None
        if isinstance(self.neutral_emotion, QualityCheck):
            neutral_emotion = self.neutral_emotion.to_dict()
        else:
            neutral_emotion = self.neutral_emotion

        not_masked: dict[str, Any] | None
        if isinstance(self.not_masked, QualityCheck):
            not_masked = self.not_masked.to_dict()
        else:
            not_masked = self.not_masked

        watermark: dict[str, Any] | None
        if isinstance(self.watermark, QualityCheck):
            watermark = self.watermark.to_dict()
        else:
            watermark = self.watermark

        rotation: dict[str, Any] | None
        if isinstance(self.rotation, QualityCheck):
            rotation = self.rotation.to_dict()
        else:
            rotation = self.rotation


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "totalScore": total_score,
            "passed": passed,
            "checksComputed": checks_computed,
            "checksPassed": checks_passed,
            "skipped": skipped,
            "sharpness": sharpness,
            "illumination": illumination,
            "evenIllumination": even_illumination,
            "noFlare": no_flare,
            "leftEyeOpen": left_eye_open,
            "rightEyeOpen": right_eye_open,
            "backgroundUniformity": background_uniformity,
            "dynamicRange": dynamic_range,
            "eyeDistance": eye_distance,
            "noise": noise,
            "margins": margins,
            "neutralEmotion": neutral_emotion,
            "notMasked": not_masked,
            "watermark": watermark,
            "rotation": rotation,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_assessment_skipped import QualityAssessmentSkipped # noqa: PLC0415
        from ..models.quality_check import QualityCheck # noqa: PLC0415
        d = dict(src_dict)
        total_score = d.pop("totalScore")

        passed = d.pop("passed")

        checks_computed = d.pop("checksComputed")

        checks_passed = d.pop("checksPassed")

        skipped = QualityAssessmentSkipped.from_dict(d.pop("skipped"))




        def _parse_sharpness(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sharpness_type_1 = QualityCheck.from_dict(data)



                return sharpness_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        sharpness = _parse_sharpness(d.pop("sharpness"))


        def _parse_illumination(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                illumination_type_1 = QualityCheck.from_dict(data)



                return illumination_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        illumination = _parse_illumination(d.pop("illumination"))


        def _parse_even_illumination(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                even_illumination_type_1 = QualityCheck.from_dict(data)



                return even_illumination_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        even_illumination = _parse_even_illumination(d.pop("evenIllumination"))


        def _parse_no_flare(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                no_flare_type_1 = QualityCheck.from_dict(data)



                return no_flare_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        no_flare = _parse_no_flare(d.pop("noFlare"))


        def _parse_left_eye_open(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                left_eye_open_type_1 = QualityCheck.from_dict(data)



                return left_eye_open_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        left_eye_open = _parse_left_eye_open(d.pop("leftEyeOpen"))


        def _parse_right_eye_open(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                right_eye_open_type_1 = QualityCheck.from_dict(data)



                return right_eye_open_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        right_eye_open = _parse_right_eye_open(d.pop("rightEyeOpen"))


        def _parse_background_uniformity(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                background_uniformity_type_1 = QualityCheck.from_dict(data)



                return background_uniformity_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        background_uniformity = _parse_background_uniformity(d.pop("backgroundUniformity"))


        def _parse_dynamic_range(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                dynamic_range_type_1 = QualityCheck.from_dict(data)



                return dynamic_range_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        dynamic_range = _parse_dynamic_range(d.pop("dynamicRange"))


        def _parse_eye_distance(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                eye_distance_type_1 = QualityCheck.from_dict(data)



                return eye_distance_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        eye_distance = _parse_eye_distance(d.pop("eyeDistance"))


        def _parse_noise(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                noise_type_1 = QualityCheck.from_dict(data)



                return noise_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        noise = _parse_noise(d.pop("noise"))


        def _parse_margins(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                margins_type_1 = QualityCheck.from_dict(data)



                return margins_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        margins = _parse_margins(d.pop("margins"))


        def _parse_neutral_emotion(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                neutral_emotion_type_1 = QualityCheck.from_dict(data)



                return neutral_emotion_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        neutral_emotion = _parse_neutral_emotion(d.pop("neutralEmotion"))


        def _parse_not_masked(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                not_masked_type_1 = QualityCheck.from_dict(data)



                return not_masked_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        not_masked = _parse_not_masked(d.pop("notMasked"))


        def _parse_watermark(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                watermark_type_1 = QualityCheck.from_dict(data)



                return watermark_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        watermark = _parse_watermark(d.pop("watermark"))


        def _parse_rotation(data: object) -> None | QualityCheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rotation_type_1 = QualityCheck.from_dict(data)



                return rotation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QualityCheck, data)

        rotation = _parse_rotation(d.pop("rotation"))


        quality_assessment = cls(
            total_score=total_score,
            passed=passed,
            checks_computed=checks_computed,
            checks_passed=checks_passed,
            skipped=skipped,
            sharpness=sharpness,
            illumination=illumination,
            even_illumination=even_illumination,
            no_flare=no_flare,
            left_eye_open=left_eye_open,
            right_eye_open=right_eye_open,
            background_uniformity=background_uniformity,
            dynamic_range=dynamic_range,
            eye_distance=eye_distance,
            noise=noise,
            margins=margins,
            neutral_emotion=neutral_emotion,
            not_masked=not_masked,
            watermark=watermark,
            rotation=rotation,
        )

        return quality_assessment

