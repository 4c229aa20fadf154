"""Errors the services raise; the API and the pages map each to one HTTP status."""


class StaleVersion(Exception):
    """The object changed since the writer read it (HTTP 412)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(f"the object was changed by someone else (now at version {current_version}); reload and retry")


class VersionRequired(Exception):
    """A write came without the version it was based on (HTTP 428)."""
