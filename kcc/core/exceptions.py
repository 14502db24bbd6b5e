class DomainError(Exception):
    """A domain rule was violated. Views turn it into a form error or a 4xx fragment.

    ``message`` is shown to the user (Dutch, via gettext); ``field`` optionally names the form
    field it belongs to.
    """

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
