"""SQLAlchemy 2 models of the registry store; `Base.metadata` is what Alembic migrates to."""

from store.models.audit import AuditRow
from store.models.base import Base, UTCDateTime, new_company_id, utcnow
from store.models.changeset import ChangeItemRow, ChangeSetRow
from store.models.company import ApiTokenRow, CompanyRow
from store.models.decisions import ReviewDecisionRow
from store.models.integration import IntegrationRow
from store.models.stakeholder import StakeholderRow
from store.models.sync import SyncRunRow
from store.models.user import UserRow

__all__ = [
    "ApiTokenRow", "AuditRow", "Base", "ChangeItemRow", "ChangeSetRow",
    "CompanyRow", "IntegrationRow", "ReviewDecisionRow", "StakeholderRow", "SyncRunRow",
    "UTCDateTime", "UserRow", "new_company_id", "utcnow",
]
