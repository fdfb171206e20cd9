from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.chopped_score import ChoppedScore
  from ..models.classified import Classified
  from ..models.emotion import Emotion
  from ..models.face_blendshapes import FaceBlendshapes
  from ..models.face_eye_colour import FaceEyeColour
  from ..models.face_eyes_open import FaceEyesOpen
  from ..models.face_hair_colour import FaceHairColour
  from ..models.face_landmarks import FaceLandmarks
  from ..models.face_lip_colour import FaceLipColour
  from ..models.face_mouth_open import FaceMouthOpen
  from ..models.face_skin_tone import FaceSkinTone
  from ..models.face_smiling import FaceSmiling
  from ..models.face_unavailable import FaceUnavailable
  from ..models.gender import Gender
  from ..models.hair import Hair
  from ..models.pose import Pose





T = TypeVar("T", bound="Face")



@_attrs_define
class Face:
    """ 
        Attributes:
            bbox (list[float]): [x1, y1, x2, y2] in pixels
            bbox_normalized (list[float]): [x1, y1, x2, y2] as fractions of the image
            confidence (float): detection score, 0-1
            landmarks (FaceLandmarks): left_eye, right_eye (the eye on the image's left / right), nose, mouth_left,
                mouth_right: [x, y] pixels
            landmarks_68 (list[list[float]] | None | Unset): dlib 68 points
            landmarks_mesh (list[list[float]] | None | Unset): 478 points [x, y, z]: MediaPipe mesh + iris
            mesh_score (float | None | Unset):
            pose (None | Pose | Unset):
            age (float | None | Unset):
            age_bracket (None | str | Unset):
            gender (Gender | None | Unset):
            emotion (Emotion | None | Unset):
            smiling (FaceSmiling | None | Unset):
            mouth_open (FaceMouthOpen | None | Unset):
            eyes_open (FaceEyesOpen | None | Unset): left / right = the subject's own eyes
            skin_tone (FaceSkinTone | None | Unset):
            hair_colour (FaceHairColour | None | Unset):
            eye_colour (FaceEyeColour | None | Unset):
            lip_colour (FaceLipColour | None | Unset):
            embedding (list[float] | None | Unset): unit-normalised; 128 floats from dlib, 512 from ArcFace when it answers
                (models.embedding names the model)
            landmarks_106 (list[list[float]] | None | Unset): InsightFace 2d106det points [x, y]; only when face-
                landmarks106-insightface is stored and landmarks are asked for
            beauty_score (float | None | Unset): 1.0-5.0 (SCUT-FBP5500 scale), from face-beauty-resnet50
            chopped_score (ChoppedScore | None | Unset):
            ethnicity (Classified | None | Unset): race, only when asked for (attributes=ethnicity): face-race-gear (default
                set: white, black, asian, indian, other) or face-ethnicity-vit (set full); unmeasured, README "Race"
            obstruction (Classified | None | Unset): face-obstruction-vit (set full): glasses, sunglasses, mask, hand,
                other, none; absent without it
            blendshapes (FaceBlendshapes | None | Unset): MediaPipe's 52 ARKit blendshape scores 0..1 by name, only when
                asked for (attributes=blendshapes) and face-blendshapes-mediapipe is stored; smiling and mouth_open then come
                from them (method 'blendshapes')
            hair (Hair | None | Unset): hair-type-vit and human-parsing-segformer (set full); absent without both
            unavailable (FaceUnavailable | None | Unset): field -> why it is null (model not installed or failed)
     """

    bbox: list[float]
    bbox_normalized: list[float]
    confidence: float
    landmarks: FaceLandmarks
    landmarks_68: list[list[float]] | None | Unset = UNSET
    landmarks_mesh: list[list[float]] | None | Unset = UNSET
    mesh_score: float | None | Unset = UNSET
    pose: None | Pose | Unset = UNSET
    age: float | None | Unset = UNSET
    age_bracket: None | str | Unset = UNSET
    gender: Gender | None | Unset = UNSET
    emotion: Emotion | None | Unset = UNSET
    smiling: FaceSmiling | None | Unset = UNSET
    mouth_open: FaceMouthOpen | None | Unset = UNSET
    eyes_open: FaceEyesOpen | None | Unset = UNSET
    skin_tone: FaceSkinTone | None | Unset = UNSET
    hair_colour: FaceHairColour | None | Unset = UNSET
    eye_colour: FaceEyeColour | None | Unset = UNSET
    lip_colour: FaceLipColour | None | Unset = UNSET
    embedding: list[float] | None | Unset = UNSET
    landmarks_106: list[list[float]] | None | Unset = UNSET
    beauty_score: float | None | Unset = UNSET
    chopped_score: ChoppedScore | None | Unset = UNSET
    ethnicity: Classified | None | Unset = UNSET
    obstruction: Classified | None | Unset = UNSET
    blendshapes: FaceBlendshapes | None | Unset = UNSET
    hair: Hair | None | Unset = UNSET
    unavailable: FaceUnavailable | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chopped_score import ChoppedScore # noqa: PLC0415
        from ..models.classified import Classified # noqa: PLC0415
        from ..models.emotion import Emotion # noqa: PLC0415
        from ..models.face_blendshapes import FaceBlendshapes # noqa: PLC0415
        from ..models.face_eye_colour import FaceEyeColour # noqa: PLC0415
        from ..models.face_eyes_open import FaceEyesOpen # noqa: PLC0415
        from ..models.face_hair_colour import FaceHairColour # noqa: PLC0415
        from ..models.face_landmarks import FaceLandmarks # noqa: PLC0415
        from ..models.face_lip_colour import FaceLipColour # noqa: PLC0415
        from ..models.face_mouth_open import FaceMouthOpen # noqa: PLC0415
        from ..models.face_skin_tone import FaceSkinTone # noqa: PLC0415
        from ..models.face_smiling import FaceSmiling # noqa: PLC0415
        from ..models.face_unavailable import FaceUnavailable # noqa: PLC0415
        from ..models.gender import Gender # noqa: PLC0415
        from ..models.hair import Hair # noqa: PLC0415
        from ..models.pose import Pose # noqa: PLC0415
        bbox = self.bbox



        bbox_normalized = self.bbox_normalized



        confidence = self.confidence

        landmarks = self.landmarks.to_dict()

        landmarks_68: list[list[float]] | None | Unset
        if isinstance(self.landmarks_68, Unset):
            landmarks_68 = UNSET
        elif isinstance(self.landmarks_68, list):
            landmarks_68 = []
            for landmarks_68_type_0_item_data in self.landmarks_68:
                landmarks_68_type_0_item = landmarks_68_type_0_item_data


                landmarks_68.append(landmarks_68_type_0_item)


        else:
            landmarks_68 = self.landmarks_68

        landmarks_mesh: list[list[float]] | None | Unset
        if isinstance(self.landmarks_mesh, Unset):
            landmarks_mesh = UNSET
        elif isinstance(self.landmarks_mesh, list):
            landmarks_mesh = []
            for landmarks_mesh_type_0_item_data in self.landmarks_mesh:
                landmarks_mesh_type_0_item = landmarks_mesh_type_0_item_data


                landmarks_mesh.append(landmarks_mesh_type_0_item)


        else:
            landmarks_mesh = self.landmarks_mesh

        mesh_score: float | None | Unset
        if isinstance(self.mesh_score, Unset):
            mesh_score = UNSET
        else:
            mesh_score = self.mesh_score

        pose: dict[str, Any] | None | Unset
        if isinstance(self.pose, Unset):
            pose = UNSET
        elif isinstance(self.pose, Pose):
            pose = self.pose.to_dict()
        else:
            pose = self.pose

        age: float | None | Unset
        if isinstance(self.age, Unset):
            age = UNSET
        else:
            age = self.age

        age_bracket: None | str | Unset
        if isinstance(self.age_bracket, Unset):
            age_bracket = UNSET
        else:
            age_bracket = self.age_bracket

        gender: dict[str, Any] | None | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        elif isinstance(self.gender, Gender):
            gender = self.gender.to_dict()
        else:
            gender = self.gender

        emotion: dict[str, Any] | None | Unset
        if isinstance(self.emotion, Unset):
            emotion = UNSET
        elif isinstance(self.emotion, Emotion):
            emotion = self.emotion.to_dict()
        else:
            emotion = self.emotion

        smiling: dict[str, Any] | None | Unset
        if isinstance(self.smiling, Unset):
            smiling = UNSET
        elif isinstance(self.smiling, FaceSmiling):
            smiling = self.smiling.to_dict()
        else:
            smiling = self.smiling

        mouth_open: dict[str, Any] | None | Unset
        if isinstance(self.mouth_open, Unset):
            mouth_open = UNSET
        elif isinstance(self.mouth_open, FaceMouthOpen):
            mouth_open = self.mouth_open.to_dict()
        else:
            mouth_open = self.mouth_open

        eyes_open: dict[str, Any] | None | Unset
        if isinstance(self.eyes_open, Unset):
            eyes_open = UNSET
        elif isinstance(self.eyes_open, FaceEyesOpen):
            eyes_open = self.eyes_open.to_dict()
        else:
            eyes_open = self.eyes_open

        skin_tone: dict[str, Any] | None | Unset
        if isinstance(self.skin_tone, Unset):
            skin_tone = UNSET
        elif isinstance(self.skin_tone, FaceSkinTone):
            skin_tone = self.skin_tone.to_dict()
        else:
            skin_tone = self.skin_tone

        hair_colour: dict[str, Any] | None | Unset
        if isinstance(self.hair_colour, Unset):
            hair_colour = UNSET
        elif isinstance(self.hair_colour, FaceHairColour):
            hair_colour = self.hair_colour.to_dict()
        else:
            hair_colour = self.hair_colour

        eye_colour: dict[str, Any] | None | Unset
        if isinstance(self.eye_colour, Unset):
            eye_colour = UNSET
        elif isinstance(self.eye_colour, FaceEyeColour):
            eye_colour = self.eye_colour.to_dict()
        else:
            eye_colour = self.eye_colour

        lip_colour: dict[str, Any] | None | Unset
        if isinstance(self.lip_colour, Unset):
            lip_colour = UNSET
        elif isinstance(self.lip_colour, FaceLipColour):
            lip_colour = self.lip_colour.to_dict()
        else:
            lip_colour = self.lip_colour

        embedding: list[float] | None | Unset
        if isinstance(self.embedding, Unset):
            embedding = UNSET
        elif isinstance(self.embedding, list):
            embedding = self.embedding


        else:
            embedding = self.embedding

        landmarks_106: list[list[float]] | None | Unset
        if isinstance(self.landmarks_106, Unset):
            landmarks_106 = UNSET
        elif isinstance(self.landmarks_106, list):
            landmarks_106 = []
            for landmarks_106_type_0_item_data in self.landmarks_106:
                landmarks_106_type_0_item = landmarks_106_type_0_item_data


                landmarks_106.append(landmarks_106_type_0_item)


        else:
            landmarks_106 = self.landmarks_106

        beauty_score: float | None | Unset
        if isinstance(self.beauty_score, Unset):
            beauty_score = UNSET
        else:
            beauty_score = self.beauty_score

        chopped_score: dict[str, Any] | None | Unset
        if isinstance(self.chopped_score, Unset):
            chopped_score = UNSET
        elif isinstance(self.chopped_score, ChoppedScore):
            chopped_score = self.chopped_score.to_dict()
        else:
            chopped_score = self.chopped_score

        ethnicity: dict[str, Any] | None | Unset
        if isinstance(self.ethnicity, Unset):
            ethnicity = UNSET
        elif isinstance(self.ethnicity, Classified):
            ethnicity = self.ethnicity.to_dict()
        else:
            ethnicity = self.ethnicity

        obstruction: dict[str, Any] | None | Unset
        if isinstance(self.obstruction, Unset):
            obstruction = UNSET
        elif isinstance(self.obstruction, Classified):
            obstruction = self.obstruction.to_dict()
        else:
            obstruction = self.obstruction

        blendshapes: dict[str, Any] | None | Unset
        if isinstance(self.blendshapes, Unset):
            blendshapes = UNSET
        elif isinstance(self.blendshapes, FaceBlendshapes):
            blendshapes = self.blendshapes.to_dict()
        else:
            blendshapes = self.blendshapes

        hair: dict[str, Any] | None | Unset
        if isinstance(self.hair, Unset):
            hair = UNSET
        elif isinstance(self.hair, Hair):
            hair = self.hair.to_dict()
        else:
            hair = self.hair

        unavailable: dict[str, Any] | None | Unset
        if isinstance(self.unavailable, Unset):
            unavailable = UNSET
        elif isinstance(self.unavailable, FaceUnavailable):
            unavailable = self.unavailable.to_dict()
        else:
            unavailable = self.unavailable


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "bbox": bbox,
            "bbox_normalized": bbox_normalized,
            "confidence": confidence,
            "landmarks": landmarks,
        })
        if landmarks_68 is not UNSET:
            field_dict["landmarks_68"] = landmarks_68
        if landmarks_mesh is not UNSET:
            field_dict["landmarks_mesh"] = landmarks_mesh
        if mesh_score is not UNSET:
            field_dict["mesh_score"] = mesh_score
        if pose is not UNSET:
            field_dict["pose"] = pose
        if age is not UNSET:
            field_dict["age"] = age
        if age_bracket is not UNSET:
            field_dict["age_bracket"] = age_bracket
        if gender is not UNSET:
            field_dict["gender"] = gender
        if emotion is not UNSET:
            field_dict["emotion"] = emotion
        if smiling is not UNSET:
            field_dict["smiling"] = smiling
        if mouth_open is not UNSET:
            field_dict["mouth_open"] = mouth_open
        if eyes_open is not UNSET:
            field_dict["eyes_open"] = eyes_open
        if skin_tone is not UNSET:
            field_dict["skin_tone"] = skin_tone
        if hair_colour is not UNSET:
            field_dict["hair_colour"] = hair_colour
        if eye_colour is not UNSET:
            field_dict["eye_colour"] = eye_colour
        if lip_colour is not UNSET:
            field_dict["lip_colour"] = lip_colour
        if embedding is not UNSET:
            field_dict["embedding"] = embedding
        if landmarks_106 is not UNSET:
            field_dict["landmarks_106"] = landmarks_106
        if beauty_score is not UNSET:
            field_dict["beauty_score"] = beauty_score
        if chopped_score is not UNSET:
            field_dict["chopped_score"] = chopped_score
        if ethnicity is not UNSET:
            field_dict["ethnicity"] = ethnicity
        if obstruction is not UNSET:
            field_dict["obstruction"] = obstruction
        if blendshapes is not UNSET:
            field_dict["blendshapes"] = blendshapes
        if hair is not UNSET:
            field_dict["hair"] = hair
        if unavailable is not UNSET:
            field_dict["unavailable"] = unavailable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chopped_score import ChoppedScore # noqa: PLC0415
        from ..models.classified import Classified # noqa: PLC0415
        from ..models.emotion import Emotion # noqa: PLC0415
        from ..models.face_blendshapes import FaceBlendshapes # noqa: PLC0415
        from ..models.face_eye_colour import FaceEyeColour # noqa: PLC0415
        from ..models.face_eyes_open import FaceEyesOpen # noqa: PLC0415
        from ..models.face_hair_colour import FaceHairColour # noqa: PLC0415
        from ..models.face_landmarks import FaceLandmarks # noqa: PLC0415
        from ..models.face_lip_colour import FaceLipColour # noqa: PLC0415
        from ..models.face_mouth_open import FaceMouthOpen # noqa: PLC0415
        from ..models.face_skin_tone import FaceSkinTone # noqa: PLC0415
        from ..models.face_smiling import FaceSmiling # noqa: PLC0415
        from ..models.face_unavailable import FaceUnavailable # noqa: PLC0415
        from ..models.gender import Gender # noqa: PLC0415
        from ..models.hair import Hair # noqa: PLC0415
        from ..models.pose import Pose # noqa: PLC0415
        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox"))


        bbox_normalized = cast(list[float], d.pop("bbox_normalized"))


        confidence = d.pop("confidence")

        landmarks = FaceLandmarks.from_dict(d.pop("landmarks"))




        def _parse_landmarks_68(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                landmarks_68_type_0 = []
                _landmarks_68_type_0 = data
                for landmarks_68_type_0_item_data in (_landmarks_68_type_0):
                    landmarks_68_type_0_item = cast(list[float], landmarks_68_type_0_item_data)

                    landmarks_68_type_0.append(landmarks_68_type_0_item)

                return landmarks_68_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        landmarks_68 = _parse_landmarks_68(d.pop("landmarks_68", UNSET))


        def _parse_landmarks_mesh(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                landmarks_mesh_type_0 = []
                _landmarks_mesh_type_0 = data
                for landmarks_mesh_type_0_item_data in (_landmarks_mesh_type_0):
                    landmarks_mesh_type_0_item = cast(list[float], landmarks_mesh_type_0_item_data)

                    landmarks_mesh_type_0.append(landmarks_mesh_type_0_item)

                return landmarks_mesh_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        landmarks_mesh = _parse_landmarks_mesh(d.pop("landmarks_mesh", UNSET))


        def _parse_mesh_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mesh_score = _parse_mesh_score(d.pop("mesh_score", UNSET))


        def _parse_pose(data: object) -> None | Pose | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pose_type_1 = Pose.from_dict(data)



                return pose_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Pose | Unset, data)

        pose = _parse_pose(d.pop("pose", UNSET))


        def _parse_age(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        age = _parse_age(d.pop("age", UNSET))


        def _parse_age_bracket(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        age_bracket = _parse_age_bracket(d.pop("age_bracket", UNSET))


        def _parse_gender(data: object) -> Gender | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                gender_type_1 = Gender.from_dict(data)



                return gender_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gender | None | Unset, data)

        gender = _parse_gender(d.pop("gender", UNSET))


        def _parse_emotion(data: object) -> Emotion | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                emotion_type_1 = Emotion.from_dict(data)



                return emotion_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Emotion | None | Unset, data)

        emotion = _parse_emotion(d.pop("emotion", UNSET))


        def _parse_smiling(data: object) -> FaceSmiling | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                smiling_type_0 = FaceSmiling.from_dict(data)



                return smiling_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceSmiling | None | Unset, data)

        smiling = _parse_smiling(d.pop("smiling", UNSET))


        def _parse_mouth_open(data: object) -> FaceMouthOpen | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mouth_open_type_0 = FaceMouthOpen.from_dict(data)



                return mouth_open_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceMouthOpen | None | Unset, data)

        mouth_open = _parse_mouth_open(d.pop("mouth_open", UNSET))


        def _parse_eyes_open(data: object) -> FaceEyesOpen | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                eyes_open_type_0 = FaceEyesOpen.from_dict(data)



                return eyes_open_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceEyesOpen | None | Unset, data)

        eyes_open = _parse_eyes_open(d.pop("eyes_open", UNSET))


        def _parse_skin_tone(data: object) -> FaceSkinTone | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                skin_tone_type_0 = FaceSkinTone.from_dict(data)



                return skin_tone_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceSkinTone | None | Unset, data)

        skin_tone = _parse_skin_tone(d.pop("skin_tone", UNSET))


        def _parse_hair_colour(data: object) -> FaceHairColour | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                hair_colour_type_0 = FaceHairColour.from_dict(data)



                return hair_colour_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceHairColour | None | Unset, data)

        hair_colour = _parse_hair_colour(d.pop("hair_colour", UNSET))


        def _parse_eye_colour(data: object) -> FaceEyeColour | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                eye_colour_type_0 = FaceEyeColour.from_dict(data)



                return eye_colour_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceEyeColour | None | Unset, data)

        eye_colour = _parse_eye_colour(d.pop("eye_colour", UNSET))


        def _parse_lip_colour(data: object) -> FaceLipColour | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                lip_colour_type_0 = FaceLipColour.from_dict(data)



                return lip_colour_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceLipColour | None | Unset, data)

        lip_colour = _parse_lip_colour(d.pop("lip_colour", UNSET))


        def _parse_embedding(data: object) -> list[float] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                embedding_type_0 = cast(list[float], data)

                return embedding_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | None | Unset, data)

        embedding = _parse_embedding(d.pop("embedding", UNSET))


        def _parse_landmarks_106(data: object) -> list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                landmarks_106_type_0 = []
                _landmarks_106_type_0 = data
                for landmarks_106_type_0_item_data in (_landmarks_106_type_0):
                    landmarks_106_type_0_item = cast(list[float], landmarks_106_type_0_item_data)

                    landmarks_106_type_0.append(landmarks_106_type_0_item)

                return landmarks_106_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[list[float]] | None | Unset, data)

        landmarks_106 = _parse_landmarks_106(d.pop("landmarks_106", UNSET))


        def _parse_beauty_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        beauty_score = _parse_beauty_score(d.pop("beauty_score", UNSET))


        def _parse_chopped_score(data: object) -> ChoppedScore | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                chopped_score_type_1 = ChoppedScore.from_dict(data)



                return chopped_score_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChoppedScore | None | Unset, data)

        chopped_score = _parse_chopped_score(d.pop("chopped_score", UNSET))


        def _parse_ethnicity(data: object) -> Classified | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ethnicity_type_1 = Classified.from_dict(data)



                return ethnicity_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Classified | None | Unset, data)

        ethnicity = _parse_ethnicity(d.pop("ethnicity", UNSET))


        def _parse_obstruction(data: object) -> Classified | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                obstruction_type_1 = Classified.from_dict(data)



                return obstruction_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Classified | None | Unset, data)

        obstruction = _parse_obstruction(d.pop("obstruction", UNSET))


        def _parse_blendshapes(data: object) -> FaceBlendshapes | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                blendshapes_type_0 = FaceBlendshapes.from_dict(data)



                return blendshapes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceBlendshapes | None | Unset, data)

        blendshapes = _parse_blendshapes(d.pop("blendshapes", UNSET))


        def _parse_hair(data: object) -> Hair | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                hair_type_1 = Hair.from_dict(data)



                return hair_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Hair | None | Unset, data)

        hair = _parse_hair(d.pop("hair", UNSET))


        def _parse_unavailable(data: object) -> FaceUnavailable | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                unavailable_type_0 = FaceUnavailable.from_dict(data)



                return unavailable_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FaceUnavailable | None | Unset, data)

        unavailable = _parse_unavailable(d.pop("unavailable", UNSET))


        face = cls(
            bbox=bbox,
            bbox_normalized=bbox_normalized,
            confidence=confidence,
            landmarks=landmarks,
            landmarks_68=landmarks_68,
            landmarks_mesh=landmarks_mesh,
            mesh_score=mesh_score,
            pose=pose,
            age=age,
            age_bracket=age_bracket,
            gender=gender,
            emotion=emotion,
            smiling=smiling,
            mouth_open=mouth_open,
            eyes_open=eyes_open,
            skin_tone=skin_tone,
            hair_colour=hair_colour,
            eye_colour=eye_colour,
            lip_colour=lip_colour,
            embedding=embedding,
            landmarks_106=landmarks_106,
            beauty_score=beauty_score,
            chopped_score=chopped_score,
            ethnicity=ethnicity,
            obstruction=obstruction,
            blendshapes=blendshapes,
            hair=hair,
            unavailable=unavailable,
        )


        face.additional_properties = d
        return face

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
