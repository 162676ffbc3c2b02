"""One base error type; the CLI and the UI turn it into a clear message."""


class ReportAssistantError(Exception):
    """An error the user can act on: the message says what is wrong and what to do."""


class LoadError(ReportAssistantError):
    """A file could not be read as a report."""


class IndexError_(ReportAssistantError):
    """The index is missing, empty, or unusable."""


class ConfigError(ReportAssistantError):
    """A setting is invalid."""
