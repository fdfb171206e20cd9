""" Contains all the data models used in inputs/outputs """

from .analyze_base_64_request import AnalyzeBase64Request
from .analyze_batch_json_request import AnalyzeBatchJsonRequest
from .analyze_batch_json_request_images_item_type_1 import AnalyzeBatchJsonRequestImagesItemType1
from .analyze_batch_request import AnalyzeBatchRequest
from .analyze_request import AnalyzeRequest
from .analyze_response import AnalyzeResponse
from .analyze_response_models import AnalyzeResponseModels
from .analyze_response_timings_ms import AnalyzeResponseTimingsMs
from .angles import Angles
from .batch_error import BatchError
from .batch_item import BatchItem
from .batch_response import BatchResponse
from .batch_stats_request import BatchStatsRequest
from .batch_stats_response import BatchStatsResponse
from .body import Body
from .body_class import BodyClass
from .body_detect_request import BodyDetectRequest
from .body_response import BodyResponse
from .body_response_models import BodyResponseModels
from .chopped_score import ChoppedScore
from .chopped_score_components import ChoppedScoreComponents
from .classified import Classified
from .classified_scores import ClassifiedScores
from .cluster_photos import ClusterPhotos
from .cluster_photos_response import ClusterPhotosResponse
from .cluster_upload import ClusterUpload
from .compare_faces_request import CompareFacesRequest
from .compare_response import CompareResponse
from .compared_face import ComparedFace
from .emotion import Emotion
from .emotion_scores import EmotionScores
from .error_detail import ErrorDetail
from .extract_face_request import ExtractFaceRequest
from .extract_face_response import ExtractFaceResponse
from .extract_metadata import ExtractMetadata
from .extract_metadata_face_size import ExtractMetadataFaceSize
from .face import Face
from .face_assign_response import FaceAssignResponse
from .face_blendshapes import FaceBlendshapes
from .face_crop_response import FaceCropResponse
from .face_delete_response import FaceDeleteResponse
from .face_enrol_response import FaceEnrolResponse
from .face_eye_colour import FaceEyeColour
from .face_eyes_open import FaceEyesOpen
from .face_get_response import FaceGetResponse
from .face_hair_colour import FaceHairColour
from .face_landmarks import FaceLandmarks
from .face_lip_colour import FaceLipColour
from .face_mouth_open import FaceMouthOpen
from .face_quality import FaceQuality
from .face_score import FaceScore
from .face_skin_tone import FaceSkinTone
from .face_smiling import FaceSmiling
from .face_unavailable import FaceUnavailable
from .faces_list_response import FacesListResponse
from .fitted_face import FittedFace
from .fitter import Fitter
from .fitter_request import FitterRequest
from .fitter_response import FitterResponse
from .fitter_response_models import FitterResponseModels
from .galleries_create_response import GalleriesCreateResponse
from .galleries_list_response import GalleriesListResponse
from .gallery_cluster_response import GalleryClusterResponse
from .gallery_create import GalleryCreate
from .gallery_create_metadata import GalleryCreateMetadata
from .gallery_delete_response import GalleryDeleteResponse
from .gallery_get_response import GalleryGetResponse
from .gallery_migrate_response import GalleryMigrateResponse
from .gallery_photo import GalleryPhoto
from .gallery_photo_metadata import GalleryPhotoMetadata
from .gallery_photo_upload import GalleryPhotoUpload
from .gender import Gender
from .gender_scores import GenderScores
from .hair import Hair
from .hair_colour import HairColour
from .hair_hat import HairHat
from .hair_length import HairLength
from .health import Health
from .health_models import HealthModels
from .health_status import HealthStatus
from .health_unavailable import HealthUnavailable
from .identify_response import IdentifyResponse
from .identify_response_calibration_type_0 import IdentifyResponseCalibrationType0
from .identify_response_faces_item import IdentifyResponseFacesItem
from .identify_response_faces_item_matches_item import IdentifyResponseFacesItemMatchesItem
from .image_api_request import ImageApiRequest
from .image_api_request_objects_item import ImageApiRequestObjectsItem
from .image_api_response import ImageApiResponse
from .image_api_response_objects_item import ImageApiResponseObjectsItem
from .image_size import ImageSize
from .insight_face_compare_request import InsightFaceCompareRequest
from .insight_face_compare_response import InsightFaceCompareResponse
from .insight_face_detect_request import InsightFaceDetectRequest
from .insight_face_detect_response import InsightFaceDetectResponse
from .insight_face_detect_response_models import InsightFaceDetectResponseModels
from .insight_face_face import InsightFaceFace
from .insight_face_face_unavailable import InsightFaceFaceUnavailable
from .liveness import Liveness
from .liveness_face import LivenessFace
from .liveness_face_quality import LivenessFaceQuality
from .liveness_request import LivenessRequest
from .liveness_response import LivenessResponse
from .liveness_response_mode import LivenessResponseMode
from .liveness_response_models import LivenessResponseModels
from .liveness_scores import LivenessScores
from .liveness_value import LivenessValue
from .mask_check import MaskCheck
from .mask_check_measure import MaskCheckMeasure
from .mask_check_regions import MaskCheckRegions
from .mask_check_request import MaskCheckRequest
from .mask_check_thresholds import MaskCheckThresholds
from .mask_face import MaskFace
from .mask_response import MaskResponse
from .mask_response_models import MaskResponseModels
from .pose import Pose
from .quality_assessment import QualityAssessment
from .quality_assessment_skipped import QualityAssessmentSkipped
from .quality_check import QualityCheck
from .quality_check_threshold_type_1 import QualityCheckThresholdType1
from .quality_face import QualityFace
from .quality_request import QualityRequest
from .quality_request_thresholds import QualityRequestThresholds
from .quality_response import QualityResponse
from .quality_response_models import QualityResponseModels
from .quality_response_thresholds import QualityResponseThresholds
from .scaleflex_face import ScaleflexFace
from .scaleflex_face_emotions import ScaleflexFaceEmotions
from .scaleflex_face_races import ScaleflexFaceRaces
from .scaleflex_face_unavailable import ScaleflexFaceUnavailable
from .scaleflex_response import ScaleflexResponse
from .scaleflex_response_faces import ScaleflexResponseFaces
from .scaleflex_response_models import ScaleflexResponseModels
from .subject_delete_response import SubjectDeleteResponse
from .subject_enrol_response import SubjectEnrolResponse
from .subject_get_response import SubjectGetResponse
from .subject_update_response import SubjectUpdateResponse
from .subject_verify_response import SubjectVerifyResponse
from .subjects_list_response import SubjectsListResponse
from .template_extract_response import TemplateExtractResponse
from .template_face import TemplateFace
from .templates_extract_request import TemplatesExtractRequest
from .validation_errors import ValidationErrors
from .validation_errors_detail_item import ValidationErrorsDetailItem
from .verify_request import VerifyRequest
from .verify_response import VerifyResponse
from .verify_response_calibration import VerifyResponseCalibration
from .verify_response_unavailable import VerifyResponseUnavailable

__all__ = (
    "AnalyzeBase64Request",
    "AnalyzeBatchJsonRequest",
    "AnalyzeBatchJsonRequestImagesItemType1",
    "AnalyzeBatchRequest",
    "AnalyzeRequest",
    "AnalyzeResponse",
    "AnalyzeResponseModels",
    "AnalyzeResponseTimingsMs",
    "Angles",
    "BatchError",
    "BatchItem",
    "BatchResponse",
    "BatchStatsRequest",
    "BatchStatsResponse",
    "Body",
    "BodyClass",
    "BodyDetectRequest",
    "BodyResponse",
    "BodyResponseModels",
    "ChoppedScore",
    "ChoppedScoreComponents",
    "Classified",
    "ClassifiedScores",
    "ClusterPhotos",
    "ClusterPhotosResponse",
    "ClusterUpload",
    "ComparedFace",
    "CompareFacesRequest",
    "CompareResponse",
    "Emotion",
    "EmotionScores",
    "ErrorDetail",
    "ExtractFaceRequest",
    "ExtractFaceResponse",
    "ExtractMetadata",
    "ExtractMetadataFaceSize",
    "Face",
    "FaceAssignResponse",
    "FaceBlendshapes",
    "FaceCropResponse",
    "FaceDeleteResponse",
    "FaceEnrolResponse",
    "FaceEyeColour",
    "FaceEyesOpen",
    "FaceGetResponse",
    "FaceHairColour",
    "FaceLandmarks",
    "FaceLipColour",
    "FaceMouthOpen",
    "FaceQuality",
    "FaceScore",
    "FaceSkinTone",
    "FacesListResponse",
    "FaceSmiling",
    "FaceUnavailable",
    "FittedFace",
    "Fitter",
    "FitterRequest",
    "FitterResponse",
    "FitterResponseModels",
    "GalleriesCreateResponse",
    "GalleriesListResponse",
    "GalleryClusterResponse",
    "GalleryCreate",
    "GalleryCreateMetadata",
    "GalleryDeleteResponse",
    "GalleryGetResponse",
    "GalleryMigrateResponse",
    "GalleryPhoto",
    "GalleryPhotoMetadata",
    "GalleryPhotoUpload",
    "Gender",
    "GenderScores",
    "Hair",
    "HairColour",
    "HairHat",
    "HairLength",
    "Health",
    "HealthModels",
    "HealthStatus",
    "HealthUnavailable",
    "IdentifyResponse",
    "IdentifyResponseCalibrationType0",
    "IdentifyResponseFacesItem",
    "IdentifyResponseFacesItemMatchesItem",
    "ImageApiRequest",
    "ImageApiRequestObjectsItem",
    "ImageApiResponse",
    "ImageApiResponseObjectsItem",
    "ImageSize",
    "InsightFaceCompareRequest",
    "InsightFaceCompareResponse",
    "InsightFaceDetectRequest",
    "InsightFaceDetectResponse",
    "InsightFaceDetectResponseModels",
    "InsightFaceFace",
    "InsightFaceFaceUnavailable",
    "Liveness",
    "LivenessFace",
    "LivenessFaceQuality",
    "LivenessRequest",
    "LivenessResponse",
    "LivenessResponseMode",
    "LivenessResponseModels",
    "LivenessScores",
    "LivenessValue",
    "MaskCheck",
    "MaskCheckMeasure",
    "MaskCheckRegions",
    "MaskCheckRequest",
    "MaskCheckThresholds",
    "MaskFace",
    "MaskResponse",
    "MaskResponseModels",
    "Pose",
    "QualityAssessment",
    "QualityAssessmentSkipped",
    "QualityCheck",
    "QualityCheckThresholdType1",
    "QualityFace",
    "QualityRequest",
    "QualityRequestThresholds",
    "QualityResponse",
    "QualityResponseModels",
    "QualityResponseThresholds",
    "ScaleflexFace",
    "ScaleflexFaceEmotions",
    "ScaleflexFaceRaces",
    "ScaleflexFaceUnavailable",
    "ScaleflexResponse",
    "ScaleflexResponseFaces",
    "ScaleflexResponseModels",
    "SubjectDeleteResponse",
    "SubjectEnrolResponse",
    "SubjectGetResponse",
    "SubjectsListResponse",
    "SubjectUpdateResponse",
    "SubjectVerifyResponse",
    "TemplateExtractResponse",
    "TemplateFace",
    "TemplatesExtractRequest",
    "ValidationErrors",
    "ValidationErrorsDetailItem",
    "VerifyRequest",
    "VerifyResponse",
    "VerifyResponseCalibration",
    "VerifyResponseUnavailable",
)
