from enum import StrEnum

class LivenessResponseMode(StrEnum):
    ALL = "all"
    PLAIN = "plain"
    QUALITY = "quality"

    def __str__(self) -> str:
        return str(self.value)
