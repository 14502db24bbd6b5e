#!/usr/bin/env python3
"""Smoke check of a running KCC: log in as each demo role and fetch every page in that role's
navigation, expecting 200. Used by bin/smoke.sh (CI) against `make run` on SQLite.

With KCC_ORGANISATION_KIND=woningcorporatie (the server's profile) it also checks that the
pages speak of the corporation: its name on the home page, and no "inwoner" or "gemeente" in
the visible text of any page."""

import html
import html.parser
import http.cookiejar
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Welkom-bij-het-KCC-2026"
ROLES = ["agent", "teamleider", "backoffice", "manager", "redacteur", "beheerder", "privacy"]
CORPORATION = os.environ.get("KCC_ORGANISATION_KIND", "gemeente") == "woningcorporatie"
MUNICIPAL_WORDS = re.compile(r"inwoner|gemeente", re.IGNORECASE)


def visible_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", body)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", body))


class NavParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_nav = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "main-nav":
            self.in_nav = 1
        elif tag == "nav" and self.in_nav:
            self.in_nav += 1
        elif tag == "a" and self.in_nav and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def fetch(opener, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8", "replace"), resp.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), url


def check_role(base: str, username: str) -> list[str]:
    failures = []
    opener, jar = session()
    status, body, _ = fetch(opener, f"{base}/inloggen/")
    if status != 200:
        return [f"{username}: login page answered {status}"]
    token = next((c.value for c in jar if c.name == "csrftoken"), None)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    status, body, final = fetch(opener, f"{base}/inloggen/", data=data, headers={"Referer": f"{base}/inloggen/"})
    if status != 200 or "/inloggen/" in final:
        return [f"{username}: login failed (status {status}, ended at {final})"]
    parser = NavParser()
    parser.feed(body)
    if not parser.links:
        failures.append(f"{username}: home page has no navigation")
    if not re.search(r'lang="nl"', body):
        failures.append(f"{username}: home page is not Dutch")
    if CORPORATION and "Woonstichting Voorbeeldwonen" not in body:
        failures.append(f"{username}: the corporation's name is not on the home page")
    for link in parser.links:
        status, page, _ = fetch(opener, urllib.parse.urljoin(base + "/", link))
        mark = "ok " if status == 200 else "ERR"
        print(f"  {mark} {status} {username:<11} {link}")
        if status != 200:
            failures.append(f"{username}: {link} answered {status}")
        words = MUNICIPAL_WORDS.findall(visible_text(page)) if CORPORATION else []
        if words:
            failures.append(f"{username}: {link} says {sorted(set(words))} under the corporation profile")
    return failures


def main(base: str) -> int:
    failures = []
    for role in ROLES:
        failures += check_role(base, role)
    for path in ("/health/", "/static/css/app.css", "/static/vendor/htmx/htmx.min.js"):
        status, _, _ = fetch(urllib.request.build_opener(), base + path)
        print(f"  {'ok ' if status == 200 else 'ERR'} {status} (public)    {path}")
        if status != 200:
            failures.append(f"{path} answered {status}")
    if failures:
        print("SMOKE FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("smoke: all pages answered 200")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
