"""A small HTML form reader for the load test (stdlib only): finds a form by its action and
returns the values a browser would submit, so the simulated agents post what the real pages
offer (CSRF token, signed hidden fields, the options of selects)."""

from html.parser import HTMLParser


class Form:
    def __init__(self, form_id: str, action: str, method: str):
        self.id = form_id
        self.action = action
        self.method = method
        self.fields: dict[str, str] = {}  # what the browser would send as it stands
        self.options: dict[str, list[str]] = {}  # select name -> non-empty option values
        self.radios: dict[str, list[str]] = {}  # radio name -> values offered

    def __repr__(self) -> str:
        return f"<Form {self.method} {self.action} {sorted(self.fields)}>"


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.current: Form | None = None
        self.select: tuple[Form, str] | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: tuple[Form, str] | None = None
        self.text: list[str] = []

    def _owner(self, attrs: dict) -> Form | None:
        target = attrs.get("form")
        if target:
            return self.by_id.get(target)
        return self.current

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            form = Form(a.get("id", ""), a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(form)
            if form.id:
                self.by_id[form.id] = form
            self.current = form
            return
        if tag == "input":
            form = self._owner(a)
            name = a.get("name")
            if form is None or not name or "disabled" in a:
                return
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                return
            if kind == "checkbox":
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                return
            form.fields[name] = a.get("value", "")
        elif tag == "select":
            form = self._owner(a)
            if form is not None and a.get("name"):
                self.select = (form, a["name"])
                self.select_first, self.select_chosen = None, False
                form.options.setdefault(a["name"], [])
        elif tag == "option" and self.select is not None:
            form, name = self.select
            value = a.get("value", "")
            if value:
                form.options[name].append(value)
            if self.select_first is None:
                self.select_first = value
            if "selected" in a and not self.select_chosen:
                form.fields[name] = value
                self.select_chosen = True
        elif tag == "textarea":
            form = self._owner(a)
            if form is not None and a.get("name"):
                self.textarea = (form, a["name"])
                self.text = []

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None:
            form, name = self.select
            if not self.select_chosen:
                form.fields[name] = self.select_first or ""
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            form, name = self.textarea
            form.fields[name] = "".join(self.text).lstrip("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.text.append(data)


def parse_forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, *, action: str, method: str = "post") -> Form | None:
    """The first form whose action ends with ``action`` (an empty action means "this page")."""
    for form in parse_forms(html):
        if form.method == method and (form.action.split("?")[0].endswith(action) or (action == "" and form.action == "")):
            return form
    return None
