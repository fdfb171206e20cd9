from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.chopped_score_components import ChoppedScoreComponents





T = TypeVar("T", bound="ChoppedScore")



@_attrs_define
class ChoppedScore:
    """ 
        Attributes:
            value (float): 0-100: heuristics, averaged with the learned score when the beauty model is installed
            heuristic (float): 0-100: the weighted heuristic factors alone
            components (ChoppedScoreComponents): symmetry, proportions, skin_evenness (each with its score and measure),
                beauty_model when present
            beauty_model (None | str): the beauty model's tag, or null
            note (str):
     """

    value: float
    heuristic: float
    components: ChoppedScoreComponents
    beauty_model: None | str
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chopped_score_components import ChoppedScoreComponents # noqa: PLC0415
        value = self.value

        heuristic = self.heuristic

        components = self.components.to_dict()

        beauty_model: None | str
        beauty_model = self.beauty_model

        note = self.note


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "value": value,
            "heuristic": heuristic,
            "components": components,
            "beauty_model": beauty_model,
            "note": note,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chopped_score_components import ChoppedScoreComponents # noqa: PLC0415
        d = dict(src_dict)
        value = d.pop("value")

        heuristic = d.pop("heuristic")

        components = ChoppedScoreComponents.from_dict(d.pop("components"))




        def _parse_beauty_model(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        beauty_model = _parse_beauty_model(d.pop("beauty_model"))


        note = d.pop("note")

        chopped_score = cls(
            value=value,
            heuristic=heuristic,
            components=components,
            beauty_model=beauty_model,
            note=note,
        )


        chopped_score.additional_properties = d
        return chopped_score

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
