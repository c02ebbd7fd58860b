"""The two exceptions the package raises for bad input."""


class ExtractionError(Exception):
    """The file's text cannot be extracted: unsupported type, broken file or unsafe content."""


class ForbiddenFileType(Exception):
    """The file is an executable (or a launcher of one) and must not be stored.

    Deliberately not a subclass of ExtractionError: callers commonly tolerate an
    ExtractionError by storing the file without text, and a rejected executable must
    never slip through that tolerant path.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class UninspectableArchive(ForbiddenFileType):
    """A zip archive whose directory is too large to check for programs: refused as well, since
    the check cannot vouch for it."""
