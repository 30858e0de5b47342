"""Companies: creating one with its first admin and API token, finding one, and who an API token is."""

from __future__ import annotations

from core.bootstrap import Services
from core.errors import InvalidField, NotFound, TokenRefused
from store import tokens as token_values
from store.db import transaction
from store.errors import NotFound as NoRow
from store.repositories import companies, tokens
from store.repositories.companies import Company, NewCompany

__all__ = ["Company", "NewCompany", "check_name_free", "create_company", "find_company", "get_company",
           "token_company", "token_actor"]

MIN_PASSWORD = 10


def check_name_free(services: Services, name: str) -> None:
    """Refuse a name another company has (in any case), naming that company."""
    with transaction(services.session_factory) as session:
        companies.check_name_free(session, name)


def create_company(services: Services, name: str, approver_email: str, password: str) -> NewCompany:
    """The company, its first admin and its API token (shown once: only its hash is stored)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidField("password", f"the approver password needs at least {MIN_PASSWORD} characters")
    with transaction(services.session_factory) as session:
        return companies.create_company(session, name, approver_email, password)


def get_company(services: Services, company_id: str) -> Company:
    with transaction(services.session_factory) as session:
        return companies.get_company(session, company_id)


def find_company(services: Services, text: str) -> Company:
    """A company by id (as `company create` printed it) or by its name (case does not count)."""
    with transaction(services.session_factory) as session:
        try:
            return companies.get_company(session, text)
        except NoRow:
            named = companies.find_by_name(session, text)
    if named is not None:
        return named
    raise NotFound(f"no company {text!r} (give the id `hrsync company create` printed, or its name)")


def token_company(services: Services, token: str | None) -> str:
    """The id of the one company an API token may see; TokenRefused without a valid one."""
    if token is None:
        raise TokenRefused("send the company API token as 'Authorization: Bearer <token>'")
    with transaction(services.session_factory) as session:
        company_id = tokens.company_for_token(session, token)
    if company_id is None:
        raise TokenRefused("the API token is not valid")
    return company_id


def token_actor(token: str) -> str:
    """Who acts with this token, for the audit log: its display prefix tells which token without keeping anything
    usable."""
    return f"api token {token_values.display_prefix(token)}…"
