"""The errors the library raises; the CLI and the web app turn them into one clear line."""


class PolicySearchError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""


class IndexNotFound(PolicySearchError):
    """There is no index at the given directory (yet)."""


class QuerySyntaxError(PolicySearchError):
    """The query cannot be parsed; the message says where and how to fix it."""


class ReaderError(PolicySearchError):
    """A file cannot be read as a document (format, encoding, size)."""


class UsageError(PolicySearchError):
    """The request itself is wrong: a missing path, a bad option value."""


class DocumentNotFound(PolicySearchError):
    """No indexed document has that id."""


class IndexWriteError(PolicySearchError):
    """The index could not be written (disk full, read-only); its last commit stands."""


class IndexUnavailable(PolicySearchError):
    """The index cannot be read just now (its directory vanished before it was opened,
    a file cannot be read): the web answers 503, worth trying again."""


class CannotRepair(PolicySearchError):
    """A damaged index that ``check --repair`` cannot mend in place; the message says why."""


class LocalOnly(PolicySearchError):
    """An analysis only the local index computes, asked of a cluster: the web answers 501."""
