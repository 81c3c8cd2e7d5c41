"""Every form the app shows, filled with random and hostile values: never a 500, and
nothing typed comes back as live markup.

The forms are found the way a person finds them: each role opens every page it may
open, and every ``<form>`` on those pages is sent, many times over, with values drawn
from ``HOSTILE`` (oversized text, unicode, markup, SQL, odd numbers and dates). Each
sending runs inside a savepoint that is rolled back, so the world stays as it was.
"""

from __future__ import annotations

import io
import random
import re
from html.parser import HTMLParser

import pytest

from tests.web.test_authorization_matrix import (
    SPEC,
    _sign_in,
    _url,
)

ROUNDS = 6
MARKUP = '<script>alert("fz")</script>'
HOSTILE = (
    "",
    " ",
    "x" * 5000,
    "ü" * 300,
    "👩🏽‍🌾" * 50,
    "\u202egnp.exe",
    "\x00zero",
    "\r\n",
    MARKUP,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE returnees; --",
    "' OR '1'='1",
    "-1",
    "-999999999999999999",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "3.5",
    "1.500.000",
    "Rp -5",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1988-03-12",
    "35",
    "35.07",
    "TW",
    "mikro",
    "bri",
    "y",
    "on",
    "../../etc/passwd",
    "%00",
    "{{7*7}}",
    "${7*7}",
    '=HYPERLINK("x")',
    "true",
    "null",
)


class Forms(HTMLParser):
    """The forms of a page: action, method and fields (with a select's options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": (a.get("method") or "get").lower(),
                    "fields": {},
                    "options": {},
                    "files": set(),
                }
            )
        if not self.forms or not a.get("name"):
            return
        form = self.forms[-1]
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                form["files"].add(a["name"])
            elif kind not in ("submit", "button"):
                form["fields"].setdefault(a["name"], a.get("value", ""))
        elif tag in ("textarea", "select"):
            form["fields"].setdefault(a["name"], "")
            if tag == "select":
                self._select = a["name"]
                form["options"].setdefault(a["name"], [])
        if tag == "button" and a.get("value"):
            form["fields"].setdefault(a["name"], a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


class _Options(Forms):
    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "option" and self._select and self.forms:
            self.forms[-1]["options"][self._select].append(dict(attrs).get("value", ""))


def forms_on(page: str) -> list[dict]:
    parser = _Options()
    parser.feed(page)
    return parser.forms


def hostile_data(rng: random.Random, form: dict) -> dict:
    data = {}
    for name, shown in form["fields"].items():
        options = [o for o in form["options"].get(name, []) if o]
        roll = rng.random()
        if name in ("csrf_token", "version") and roll < 0.7:
            data[name] = shown  # mostly keep what the page gave
        elif options and roll < 0.6:
            data[name] = rng.choice(options)
        else:
            data[name] = rng.choice(HOSTILE)
    for name in form["files"]:
        content = rng.choice(
            [
                b"",
                b"%PDF-1.4 not really",
                b"\x89PNG\r\n\x1a\n" + b"x" * 50,
                rng.randbytes(300),
                b"<svg onload=alert(1)>",
            ]
        )
        data[name] = (
            io.BytesIO(content),
            rng.choice(["a.pdf", "../b.png", "c.svg", ""]),
        )
    return data


@pytest.mark.slow
def test_every_form_with_hostile_values(app, client, db, cast, world):
    rng = random.Random(2026)
    connection = db.engines[None]
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    sent = failures = 0
    unescaped: list[tuple] = []
    seen: set[tuple[str, str, str]] = set()
    for role in (
        "returnee_user",
        "mentor",
        "official_province",
        "bank_officer",
        "admin",
    ):
        client.post("/logout")
        _sign_in(client, cast.user(role))
        pages = [
            _url(rule, world["own"])
            for name, rule in rules.items()
            if "GET" in rule.methods
            and name in SPEC
            and not SPEC[name].public
            and "<path:" not in rule.rule
        ]
        for page in pages:
            response = client.get(page)
            response.close()  # downloads are streamed files
            if response.status_code != 200 or not (response.mimetype or "").startswith(
                "text/html"
            ):
                continue
            for form in forms_on(response.get_data(as_text=True)):
                action = form["action"] or page
                key = (role, form["method"], re.sub(r"\d+", "N", action.split("?")[0]))
                if key in seen or action.endswith("/logout") or "/invite/" in action:
                    continue
                seen.add(key)
                for _round in range(ROUNDS):
                    data = hostile_data(rng, form)
                    savepoint = connection.begin_nested()
                    try:
                        if form["method"] == "post":
                            answer = client.post(
                                action,
                                data=data,
                                follow_redirects=True,
                                content_type="multipart/form-data",
                            )
                        else:
                            answer = client.get(
                                action,
                                query_string={
                                    k: v for k, v in data.items() if isinstance(v, str)
                                },
                            )
                        body = (
                            answer.get_data(as_text=True)
                            if (answer.mimetype or "").startswith("text/")
                            else ""
                        )
                        answer.close()
                    finally:
                        savepoint.rollback()
                    sent += 1
                    if answer.status_code >= 500:
                        failures += 1
                        print(
                            "5xx",
                            role,
                            form["method"],
                            action,
                            {
                                k: (v if isinstance(v, str) else "<file>")[:40]
                                for k, v in data.items()
                            },
                        )
                    if MARKUP in body or "<img src=x onerror" in body:
                        unescaped.append((role, action))
        client.post("/logout")
    print(
        f"\nform fuzz: {len(seen)} forms, {sent} submissions, {failures} server errors, "
        f"{len(unescaped)} unescaped"
    )
    assert failures == 0
    assert unescaped == []
    assert len(seen) > 40
