"""One error hierarchy for the whole library.

Library code raises these with messages a user can act on; only ``cli.py`` turns them into
exit codes. Keeping a single root means the CLI needs one ``except`` clause.
"""


class DigestError(Exception):
    """Root of every error digest raises on purpose."""


class ConfigError(DigestError):
    """Settings or a project file are invalid."""


class SourceError(DigestError):
    """One input (file, URL, feed entry) could not be turned into an article.

    Raised per source so that the ingest loop can report it and carry on with the others.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(DigestError):
    """The vector store is unreachable or inconsistent."""


class EmbeddingMismatchError(StoreError):
    """A collection filled by one embedding model was queried with another."""


class ModelFileError(DigestError):
    """The embedded model's files are missing or fail their checksum."""


class LLMError(DigestError):
    """The language model failed after bounded retries, or answered unusably."""


class CitationError(DigestError):
    """A digest's citations cannot be resolved."""


class LockedError(DigestError):
    """Another run holds the lock."""


class OutputError(DigestError):
    """An output file cannot be written where the user asked (directory, device, no space)."""


class NothingToBriefError(DigestError):
    """Retrieval found nothing for the topic/window: no digest is written, never an invented one."""


class UnderSupportedError(DigestError):
    """Fewer sentences survived verification than ``--min-supported`` asks for: no file."""


class DeliveryError(DigestError):
    """One target could not be delivered to; recorded, reported, and retried next run."""

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts
