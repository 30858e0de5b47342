"""`Approver`: opens an approve link like a browser (cookies, CSRF token, checked boxes) and submits the form."""

from __future__ import annotations

from tests.pages import Page


class Approver:
    def __init__(self, client, url: str, email: str, password: str):
        self.client, self.url, self.email, self.password = client, url, email, password
        self.page = ""

    def open(self):
        response = self.client.get(self.url)
        self.page = response.get_data(as_text=True)
        return response

    def form(self) -> dict:
        """The form as the page shows it: hidden fields, checked boxes and radios, with the approver's e-mail and
        password (no form on the page: those alone)."""
        page = Page(self.page)
        fields = page.form().fields() if page.forms else {"include": []}
        return fields | {"email": self.email, "password": self.password}

    def submit(self, *, uncheck=(), **changes):
        """Post the form as shown, minus `uncheck`ed item ids, with `changes` (None removes a field)."""
        fields = self.form()
        fields["include"] = [value for value in fields["include"] if int(value) not in set(uncheck)]
        for name, value in changes.items():
            name = name.replace("__", "-")
            if value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
        response = self.client.post(self.url, data=fields)
        self.page = response.get_data(as_text=True)
        return response
