"""Reading pages with an HTML parser (the standard library's): forms with their fields, links, text, and which inputs
lack a label."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID_INPUTS = {"hidden", "submit", "button", "image", "reset"}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


@dataclass
class _Control:
    tag: str
    type: str
    id: str | None
    name: str | None
    labelled: bool


class Page(HTMLParser):
    """A page as a browser would read its forms: `forms`, `links` (href, text), `text`, `unlabelled()`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self.title = ""
        self._text: list[str] = []
        self._controls: list[_Control] = []
        self._label_for: set[str] = set()
        self._open_labels = 0
        self._form: Form | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._link: list | None = None
        self._in_title = False
        self._skip = 0
        self._ids: list[str] = []
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def form(self, action_part: str) -> Form:
        """The one form whose action is `action_part` (without its query), else the one that contains it."""
        found = [form for form in self.forms if form.action.partition("?")[0] == action_part] or [
            form for form in self.forms if action_part in form.action]
        assert len(found) == 1, f"{len(found)} forms with {action_part!r} in their action"
        return found[0]

    def unlabelled(self) -> list[str]:
        """Inputs and selects a person could not name: no <label for=id>, not inside a <label>."""
        return [control.name or control.tag for control in self._controls
                if not control.labelled and (control.id is None or control.id not in self._label_for)]

    def duplicate_ids(self) -> list[str]:
        return sorted({identifier for identifier in self._ids if self._ids.count(identifier) > 1})

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if "id" in attributes:
            self._ids.append(attributes["id"])
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "label":
            self._open_labels += 1
            if "for" in attributes:
                self._label_for.add(attributes["for"])
        elif tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and "href" in attributes:
            self._link = [attributes["href"], ""]
        elif tag in ("input", "select", "textarea"):
            self._control(tag, attributes)
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value", ""), "selected" in attributes)
        elif tag == "button" and self._form is not None:
            self._form.buttons.append(attributes.get("type", "submit"))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag == "label":
            self._open_labels -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
        if self._link is not None:
            self._link[1] += data
        if self._option is not None and self._select is not None and self._form is not None:
            value, selected = self._option
            self._form.options.setdefault(self._select, []).append(value)
            if selected or self._select not in self._form.fields:
                self._form.fields[self._select] = value
            self._option = None
        self._text.append(data)

    def _control(self, tag: str, attributes: dict) -> None:
        kind = attributes.get("type", "text") if tag == "input" else tag
        name = attributes.get("name")
        if kind not in _VOID_INPUTS:
            self._controls.append(_Control(tag, kind, attributes.get("id"), name, self._open_labels > 0))
        if self._form is None or name is None:
            return
        if tag == "select":
            self._select = name
        elif kind in ("radio", "checkbox"):
            self._form.options.setdefault(name, []).append(attributes.get("value", "on"))
            if "checked" in attributes:
                self._form.fields[name] = attributes.get("value", "on")
        elif kind != "submit":
            self._form.fields[name] = attributes.get("value", "")
