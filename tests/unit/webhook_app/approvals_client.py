"""`Approver`: opens an approve link like a browser (cookies, CSRF token, checked boxes) and submits the form."""

from __future__ import annotations

import html
import re

_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[a-z_]+)" value="(?P<value>[^"]*)">')
_CHECKED = re.compile(r'<input type="checkbox" name="include" value="(?P<value>\d+)"[^>]*?\schecked>')
_RADIO = re.compile(r'<input type="radio" name="(?P<name>[a-z_0-9-]+)" value="(?P<value>[^"]*)"\s*checked>')


class Approver:
    def __init__(self, client, url: str, email: str, password: str):
        self.client, self.url, self.email, self.password = client, url, email, password
        self.page = ""

    def open(self):
        response = self.client.get(self.url)
        self.page = response.get_data(as_text=True)
        return response

    def form(self) -> dict:
        """The form as the page shows it: hidden fields, checked boxes and radios, e-mail and password."""
        fields = {match["name"]: html.unescape(match["value"]) for match in _HIDDEN.finditer(self.page)}
        fields |= {match["name"]: html.unescape(match["value"]) for match in _RADIO.finditer(self.page)}
        fields["include"] = [match["value"] for match in _CHECKED.finditer(self.page)]
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
