"""The one base error type; the CLI and the app turn it into one clear message at the edge."""


class ReportAssistantError(Exception):
    """An error the user can act on: the message says what is wrong and what to do."""


class LoadError(ReportAssistantError):
    """A file could not be read as a report."""


class IndexUnusableError(ReportAssistantError):
    """The index is missing, empty, damaged or unreachable."""


class ConfigError(ReportAssistantError):
    """A setting is invalid."""


class IndexBusyError(ReportAssistantError):
    """Another writer holds the index: the CLI exits with code 3 (try again, or wait with --wait)."""

    exit_code = 3


class StoreUnavailableError(IndexUnusableError):
    """The vector store (a Chroma server) does not answer: the batch stops, nothing recorded is lost."""
