"""Companies, their settings and API tokens (their people: store/models/user.py)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.names import NameFormat
from domain.policy import TerminationPolicy
from domain.stakeholder import DEFAULT_EMPLOYEE_GROUP, DEFAULT_EX_EMPLOYEE_GROUP
from store.enums import sql_in
from store.models.base import Base, UTCDateTime, new_company_id, utcnow


def company_name_key(name: str) -> str:
    """What makes two company names the same: case, Unicode form and spacing do not count."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _name_key_default(context) -> str:
    return company_name_key(context.get_current_parameters()["name"])


class CompanyRow(Base):
    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint(sql_in("name_format", NameFormat), name="name_format"),
        CheckConstraint(sql_in("termination_policy", TerminationPolicy), name="termination_policy"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_company_id)
    name: Mapped[str] = mapped_column(Text)
    # Unique: a name given to two companies would make every command that names them ambiguous. A
    # column of our own (not lower(name)): SQLite's lower() folds ASCII only.
    name_key: Mapped[str] = mapped_column(Text, unique=True, default=_name_key_default)
    name_format: Mapped[str] = mapped_column(String(32), default=NameFormat.FIRST_LAST.value)
    termination_policy: Mapped[str] = mapped_column(
        String(32), default=TerminationPolicy.PROPOSE_GROUP.value)
    ex_employee_group: Mapped[str] = mapped_column(Text, default=DEFAULT_EX_EMPLOYEE_GROUP)
    employee_group: Mapped[str] = mapped_column(Text, default=DEFAULT_EMPLOYEE_GROUP)
    import_terminated: Mapped[bool] = mapped_column(Boolean, default=False)
    use_preferred_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # Further groups (a JSON list of names) whose stakeholders HR data may merge into without review.
    managed_groups: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"ApiTokenRow(id={self.id!r}, company_id={self.company_id!r}, prefix={self.prefix!r})"
