"""Store errors: tiny classes the web and CLI edges translate to 4xx answers or one-line messages."""


class StoreError(Exception):
    """Base class for everything the store refuses."""


class NotFound(StoreError):
    """The row does not exist, or belongs to another company."""


class DuplicateStakeholder(StoreError):
    """Another stakeholder of the company already has this unique identifier or HR link."""


class StaleVersion(StoreError):
    """The stakeholder changed since the caller read it (optimistic concurrency)."""


class InvalidTransition(StoreError):
    """A status change the lifecycle does not allow (e.g. applying a superseded change set)."""


class InvalidCursor(StoreError):
    """A pagination cursor this store did not hand out."""


class InvalidSetting(StoreError):
    """A company setting with an unknown name or value."""


class UndecryptableSecret(StoreError):
    """A stored secret that no configured encryption key opens."""


class InvalidEncryptionKey(StoreError):
    """An encryption key that is not a Fernet key."""


class DuplicateCompany(StoreError):
    """Another company already has this name (compared without case)."""


class DuplicateUser(StoreError):
    """The company already has a user with this e-mail."""


class InvalidStakeholder(StoreError):
    """Stakeholder values the registry cannot hold (unknown field, wrong type, missing name)."""
