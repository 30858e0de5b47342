"""Domain errors: tiny classes, translated to HTTP/CLI errors at the edges."""


class DomainError(Exception):
    """Base class for every rule the domain refuses."""


class InvalidNameFormat(DomainError):
    """A name format that is not one of the three supported ones."""


class InvalidMapping(DomainError):
    """A field mapping that names an unknown target or maps one source twice."""


class InvalidResolution(DomainError):
    """A review resolution that names no candidate of the item, or an unknown choice."""


class IdentifierTaken(DomainError):
    """Applying a change would give two stakeholders of a company the same unique identifier."""
