"""Driving the console through a Flask test client as a browser would: open a page, fill one of its forms (its CSRF
token included), submit it."""

from __future__ import annotations

from services import users
from tests.outbox import last_link_to
from tests.pages import Page


class Console:
    def __init__(self, client) -> None:
        self.client = client

    def open(self, path: str):
        """(response, page) for a GET of `path`."""
        response = self.client.get(path)
        return response, page_of(response)

    def submit(self, path: str, action: str, **values):
        """Open `path`, fill the form that posts to `action` with `values`, and post it."""
        response, page = self.open(path)
        assert response.status_code == 200, (path, response.status_code)
        form = page.form_to(action)
        return self.client.post(form.action, data=form.fields(**values))

    def sign_in(self, email: str, password: str, next_page: str | None = None):
        path = "/login" + (f"?next={next_page}" if next_page else "")
        return self.submit(path, "/login", email=email, password=password)


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


# The approver the console tests invite: their e-mail and the password they choose from the invitation's link.
CLERK, CLERK_PASSWORD = "clerk@acme.example", "the clerk's own password"


def signed_in(client, email: str, password: str) -> Console:
    """A browser (`client`) signed in as `email`."""
    console = Console(client)
    assert console.sign_in(email, password).status_code == 303
    return console


def invited_approver(app, services, settings, company_id: str, *, inviter: str, email: str = CLERK,
                     password: str = CLERK_PASSWORD) -> Console:
    """A second browser, signed in as an approver `inviter` added, who set their password from the invitation."""
    users.add_user(services, company_id, email, "approver", actor=inviter)
    client = app.test_client()
    path = last_link_to(settings.instance_path, email).removeprefix("https://hrsync.test")
    form = Console(client).open(path)[1].form_to(path)
    assert client.post(path, data=form.fields(password=password, confirm=password)).status_code == 303
    return signed_in(client, email, password)
