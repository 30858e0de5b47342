"""`fold(text)`: text without case, the same way on both backends, for searching and ordering by name.

PostgreSQL's lower() folds every letter of a UTF-8 database; SQLite's folds only ASCII ("MÜLLER" would stay
"mÜller"), so SQLite connections get Python's str.lower as `hrsync_fold` (store/db.py registers it).
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "hrsync_fold"


class fold(FunctionElement):  # noqa: N801  (reads as an SQL function)
    type = Text()
    inherit_cache = True
    name = "fold"


@compiles(fold)
def _lower(element: fold, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _sqlite(element: fold, compiler, **kw) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def fold_text(value: str | None) -> str | None:
    """What `hrsync_fold` does on SQLite (NULL stays NULL)."""
    return None if value is None else value.lower()
