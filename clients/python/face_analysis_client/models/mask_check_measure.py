from enum import StrEnum

class MaskCheckMeasure(StrEnum):
    LOWERFACECOLOUR = "lowerFaceColour"

    def __str__(self) -> str:
        return str(self.value)
