from enum import StrEnum

class LivenessValue(StrEnum):
    FAKE = "FAKE"
    REAL = "REAL"

    def __str__(self) -> str:
        return str(self.value)
