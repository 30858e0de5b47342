"""Errors of the sync pipeline's edges: what the web app and CLI translate to 409 / 503 or one line."""


class PipelineError(Exception):
    """Base class for refusals of the queueing layer."""


class NotConfigured(PipelineError):
    """The company has no HR integration (or not for the provider asked about)."""


class QueueUnavailable(PipelineError):
    """Redis did not answer: nothing was queued; the caller should try again shortly."""


class RequestInProgress(QueueUnavailable):
    """Another request for the company's sync holds its lock: Redis answers, try again in a moment."""
