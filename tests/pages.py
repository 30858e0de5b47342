"""Reading pages as a browser would: `Page(html).form()` is what submitting its form sends (hidden fields, text as
typed, checked boxes and radios, selected options), read with an HTML parser rather than regular expressions."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

TEXT_TYPES = {"text", "email", "password", "hidden", "search", "url", "tel", "number", "date"}


@dataclass
class Control:
    """One input, select or textarea of a form (a select's value: its selected option, else its first)."""

    tag: str
    type: str
    name: str
    value: str
    checked: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    options: list[tuple[str, bool]] = field(default_factory=list)  # a select's (value, selected)


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def values(self) -> MultiDict:
        """What the browser sends as the form stands (without clicking a named button)."""
        sent: MultiDict = MultiDict()
        for control in self.controls:
            if not control.name or "disabled" in control.attributes:
                continue
            if control.tag == "select":
                chosen = [value for value, selected in control.options if selected] or [
                    value for value, _ in control.options[:1]]
                for value in chosen:
                    sent.add(control.name, value)
            elif control.type in ("checkbox", "radio"):
                if control.checked:
                    sent.add(control.name, control.value or "on")
            elif control.tag == "textarea" or control.type in TEXT_TYPES:
                sent.add(control.name, control.value)
        return sent

    def fields(self, **changes) -> dict:
        """`values()` as a dict for a test client: a checkbox's name maps to the list of its checked values, any other
        name to its value; `changes` replace fields (None removes one)."""
        sent = self.values()
        boxes = {control.name for control in self.controls if control.type == "checkbox"}
        fields = {name: (sent.getlist(name) if name in boxes else sent[name]) for name in sent}
        fields |= {name: [] for name in boxes if name not in fields}
        for name, value in changes.items():
            if value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
        return fields

    def field(self, name: str) -> Control:
        return next(control for control in self.controls if control.name == name)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: Control | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", ""), attributes.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input":
            kind = attributes.get("type", "text").lower()
            self.forms[-1].controls.append(Control("input", kind, attributes.get("name", ""),
                                                   attributes.get("value", ""), "checked" in attributes, attributes))
        elif tag == "select":
            self._select = Control("select", "select", attributes.get("name", ""), "", attributes=attributes)
            self.forms[-1].controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value"), "selected" in attributes)
            self._option_text = []
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", attributes.get("name", ""), "", attributes=attributes)
            self.forms[-1].controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text.append(data)
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select") and self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append((value if value is not None else "".join(self._option_text).strip(),
                                         selected))
            self._option = None
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Page:
    """A page's HTML and its forms."""

    def __init__(self, text: str) -> None:
        self.text = text
        reader = _FormReader()
        reader.feed(text)
        reader.close()
        self.forms = reader.forms

    def form(self, index: int = 0) -> Form:
        return self.forms[index]

    def values(self, index: int = 0) -> MultiDict:
        return self.form(index).values()


