"""What an import answers when it cannot proceed."""


class PlanImportError(Exception):
    """The file cannot be imported; `errors` says why, one Italian sentence each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors
