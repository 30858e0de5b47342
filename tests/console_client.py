"""Driving the console through a Flask test client as a browser would: open a page, fill one of its forms (its CSRF
token included), submit it."""

from __future__ import annotations

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
