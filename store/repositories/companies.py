"""Companies: creation (with first approver and API token), settings, and the sync policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.names import NameFormat
from domain.policy import SyncPolicy, TerminationPolicy
from store.errors import DuplicateCompany, InvalidSetting, NotFound
from store.models import CompanyRow
from store.models.company import company_name_key
from store.repositories import approvers, tokens

_ENUM_SETTINGS = {"name_format": NameFormat, "termination_policy": TerminationPolicy}
_TEXT_SETTINGS = ("ex_employee_group", "employee_group")
_BOOL_SETTINGS = ("import_terminated", "use_preferred_name")
_GROUP_LIST_SETTINGS = ("managed_groups",)
SETTING_NAMES = (*_ENUM_SETTINGS, *_TEXT_SETTINGS, *_BOOL_SETTINGS, *_GROUP_LIST_SETTINGS)
MAX_MANAGED_GROUPS = 50
MAX_GROUP_LENGTH = 200


@dataclass(frozen=True, slots=True)
class NewCompany:
    company_id: str
    api_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Company:
    id: str
    name: str
    name_format: NameFormat
    termination_policy: TerminationPolicy
    ex_employee_group: str
    employee_group: str
    import_terminated: bool
    use_preferred_name: bool
    created_at: dt.datetime
    managed_groups: tuple[str, ...] = ()

    def settings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SETTING_NAMES}


def create_company(session: Session, name: str, approver_email: str,
                   approver_password: str) -> NewCompany:
    """A company with its first approver; the plain API token is returned this once only.

    A name another company has (compared without case) is refused, naming that company's id; the
    unique name key in the database decides between two creates racing each other.
    """
    check_name_free(session, name)
    row = CompanyRow(name=name.strip(), name_key=company_name_key(name))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        check_name_free(session, name)
        raise
    approvers.add_approver(session, row.id, approver_email, approver_password)
    return NewCompany(company_id=row.id, api_token=tokens.issue_token(session, row.id))


def get_company(session: Session, company_id: str) -> Company:
    row = session.get(CompanyRow, company_id)
    if row is None:
        raise NotFound(f"no company {company_id!r}")
    return _to_company(row)


def find_by_name(session: Session, name: str) -> Company | None:
    """The company with this name, compared as `create_company` compares names (case does not count)."""
    row = session.scalar(select(CompanyRow).where(CompanyRow.name_key == company_name_key(name)))
    return None if row is None else _to_company(row)


def check_name_free(session: Session, name: str) -> None:
    """Refuse an empty name, or one another company has (DuplicateCompany names that company's id)."""
    if not name or not name.strip():
        raise InvalidSetting("a company needs a name")
    taken = find_by_name(session, name)
    if taken is not None:
        raise DuplicateCompany(f"a company named {taken.name!r} exists already ({taken.id}): "
                               "use that company, or choose another name")


def company_exists(session: Session, company_id: str) -> bool:
    return session.scalar(select(CompanyRow.id).where(CompanyRow.id == company_id)) is not None


def list_companies(session: Session) -> list[Company]:
    return [_to_company(row) for row in session.scalars(select(CompanyRow).order_by(CompanyRow.id))]


def update_settings(session: Session, company_id: str, **changes: Any) -> Company:
    """Change some settings (names in SETTING_NAMES); refuses unknown names and bad values."""
    row = session.get(CompanyRow, company_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no company {company_id!r}")
    for name, value in changes.items():
        setattr(row, name, _checked_setting(name, value))
    session.flush()
    return _to_company(row)


def policy_for(session: Session, company_id: str, provider: str, owned_fields: Iterable[str],
               *, require_hire_date: bool = False) -> SyncPolicy:
    """The matching policy of a company for one provider (`require_hire_date`: the provider's hire-date rule)."""
    company = get_company(session, company_id)
    return SyncPolicy(
        provider=provider,
        owned_fields=frozenset(owned_fields),
        name_format=company.name_format,
        termination_policy=company.termination_policy,
        employee_group=company.employee_group,
        ex_employee_group=company.ex_employee_group,
        import_terminated=company.import_terminated,
        use_preferred_name=company.use_preferred_name,
        require_hire_date=require_hire_date,
        managed_groups=frozenset(company.managed_groups),
    )


def _checked_setting(name: str, value: Any) -> Any:
    if name in _ENUM_SETTINGS:
        try:
            return _ENUM_SETTINGS[name](value).value
        except ValueError:
            allowed = ", ".join(member.value for member in _ENUM_SETTINGS[name])
            raise InvalidSetting(f"{name} must be one of {allowed}") from None
    if name in _TEXT_SETTINGS:
        if not isinstance(value, str) or not value.strip():
            raise InvalidSetting(f"{name} must be a non-empty text")
        return value.strip()
    if name in _BOOL_SETTINGS:
        if not isinstance(value, bool):
            raise InvalidSetting(f"{name} must be true or false")
        return value
    if name in _GROUP_LIST_SETTINGS:
        return _group_names(name, value)
    raise InvalidSetting(f"unknown setting {name!r} (known: {', '.join(SETTING_NAMES)})")


def _to_company(row: CompanyRow) -> Company:
    return Company(
        id=row.id, name=row.name,
        name_format=NameFormat(row.name_format),
        termination_policy=TerminationPolicy(row.termination_policy),
        ex_employee_group=row.ex_employee_group, employee_group=row.employee_group,
        import_terminated=row.import_terminated, use_preferred_name=row.use_preferred_name,
        created_at=row.created_at, managed_groups=tuple(row.managed_groups or ()),
    )


def _group_names(name: str, value: Any) -> list[str]:
    """Group names, stripped, each once (case aside), in the order given; [] clears them."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(group, str) for group in value):
        raise InvalidSetting(f"{name} must be a list of group names")
    groups: dict[str, str] = {}
    for group in value:
        if group.strip():
            groups.setdefault(group.strip().casefold(), group.strip())
    if len(groups) > MAX_MANAGED_GROUPS or any(len(group) > MAX_GROUP_LENGTH for group in groups.values()):
        raise InvalidSetting(f"{name} takes at most {MAX_MANAGED_GROUPS} names of at most {MAX_GROUP_LENGTH} "
                             "characters")
    return list(groups.values())
