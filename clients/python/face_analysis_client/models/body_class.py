from enum import StrEnum

class BodyClass(StrEnum):
    BODY = "body"

    def __str__(self) -> str:
        return str(self.value)
