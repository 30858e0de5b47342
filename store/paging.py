"""Page cursors the store issues: opaque to clients, checked before they reach a query."""

from __future__ import annotations

from store.errors import InvalidCursor
from store.models.base import MAX_ID

NOT_ISSUED = "this page cursor was not issued by hrsync"


def decode_id_cursor(cursor: str) -> int:
    """The row id an id cursor names; InvalidCursor for anything hrsync would not have issued."""
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18 or int(cursor) > MAX_ID:
        raise InvalidCursor(NOT_ISSUED)
    return int(cursor)
