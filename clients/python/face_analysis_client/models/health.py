from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.health_status import HealthStatus
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.health_models import HealthModels
  from ..models.health_unavailable import HealthUnavailable





T = TypeVar("T", bound="Health")



@_attrs_define
class Health:
    """ 
        Attributes:
            status (HealthStatus):
            models (HealthModels):
            ready (bool | Unset):
            missing_required (list[str] | Unset):
            unavailable (HealthUnavailable | Unset):
     """

    status: HealthStatus
    models: HealthModels
    ready: bool | Unset = UNSET
    missing_required: list[str] | Unset = UNSET
    unavailable: HealthUnavailable | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.health_models import HealthModels # noqa: PLC0415
        from ..models.health_unavailable import HealthUnavailable # noqa: PLC0415
        status = self.status.value

        models = self.models.to_dict()

        ready = self.ready

        missing_required: list[str] | Unset = UNSET
        if not isinstance(self.missing_required, Unset):
            missing_required = self.missing_required



        unavailable: dict[str, Any] | Unset = UNSET
        if not isinstance(self.unavailable, Unset):
            unavailable = self.unavailable.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "models": models,
        })
        if ready is not UNSET:
            field_dict["ready"] = ready
        if missing_required is not UNSET:
            field_dict["missing_required"] = missing_required
        if unavailable is not UNSET:
            field_dict["unavailable"] = unavailable

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_models import HealthModels # noqa: PLC0415
        from ..models.health_unavailable import HealthUnavailable # noqa: PLC0415
        d = dict(src_dict)
        status = HealthStatus(d.pop("status"))




        models = HealthModels.from_dict(d.pop("models"))




        ready = d.pop("ready", UNSET)

        missing_required = cast(list[str], d.pop("missing_required", UNSET))


        _unavailable = d.pop("unavailable", UNSET)
        unavailable: HealthUnavailable | Unset
        if isinstance(_unavailable,  Unset):
            unavailable = UNSET
        else:
            unavailable = HealthUnavailable.from_dict(_unavailable)




        health = cls(
            status=status,
            models=models,
            ready=ready,
            missing_required=missing_required,
            unavailable=unavailable,
        )


        health.additional_properties = d
        return health

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
