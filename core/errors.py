"""Domain errors every room may raise; the API answers them alike (see ``core.api``)."""


class Conflict(Exception):
    """The action cannot happen in the object's current state, or someone else changed it first.

    Nothing was written. The API answers 409 with ``detail``, ``code`` and the ``extra`` fields;
    pages show ``message`` as a refusal.
    """

    code = "conflict"

    def __init__(self, message: str = "", **extra):
        self._message = message
        self.extra = extra
        super().__init__(message)

    @property
    def message(self) -> str:
        return self._message
