"""Load scenario: a busy KCC morning (locust).

Each simulated user is one KCC agent who logs in through the real login form and then, with a
think time between actions (KCC_LOAD_THINK, default "2,8" seconds), does one of:

* 40%  knowledge-base search as you type: the htmx fragment requests the search box sends while
       the agent types a question (2-4 per search, one per pause in typing), then often opens
       the best hit;
* 30%  opening a contact (the agent's contact screen) or a customer (klantbeeld);
* 15%  registering work: a phone call (form, caller search by phone number — an htmx POST,
       the number is personal data and stays out of URLs — and the registration POST) or a
       standalone callback request (form, colleague options for the chosen department, POST,
       the callback page it redirects to), always with the CSRF token and signed hidden
       fields taken from the page;
* 15%  inbox polling as the page's poller does it: HX-Request, X-KCC-Background: 1 and
       If-None-Match with the last ETag (200 with a fresh list, or 304).

Production settings mark the session and CSRF cookies Secure and trust X-Forwarded-Proto from
the TLS proxy. The load client plays "browser + TLS proxy": it sends X-Forwarded-Proto: https
and Origin: https://<host> (what the proxy and a browser would send) and keeps Secure cookies
although it talks plain HTTP to 127.0.0.1 (requests would otherwise drop them, and every
agent would be logged out after the login). TLS itself is not part of the measurement.

Environment:
    KCC_LOAD_DATA     JSON from run.py: {"contacts": [ids], "customers": [[id, phone], ...]}.
                      Without it the agents harvest contact and customer ids from the pages.
    KCC_LOAD_THINK    think time between actions, "min,max" seconds (default "2,8").
    KCC_LOAD_SAMPLES  where to write every request's timing (JSON) when the test stops.
    KCC_LOAD_PASSWORD password of the demo accounts (default: the demo password).

Accounts: the demo agents agent, agent2 ... agent12; many simulated agents share one account
(each has its own session). Logins must succeed: the login throttle counts failures per
username, so a wrong password here would lock out all users of that account.
"""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode, urlparse

import gevent
from htmlforms import find_form
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("KCC_LOAD_PASSWORD", "Welkom-bij-het-KCC-2026")
ACCOUNTS = ["agent", *[f"agent{i}" for i in range(2, 13)]]
THINK = tuple(float(x) for x in os.environ.get("KCC_LOAD_THINK", "2,8").split(","))
_accounts = itertools.count()


def _load_data() -> dict:
    path = os.environ.get("KCC_LOAD_DATA")
    if not path:
        return {"contacts": [], "customers": []}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


DATA = _load_data()

# What agents type into the knowledge base: everyday questions, a few typos and synonyms.
QUERIES = [
    "paspoort verlengen", "paspoort verlengn", "id kaart kwijt", "rijbewijs verlopen", "verhuizen",
    "adreswijziging", "uittreksel brp", "afvalpas kwijt", "grofvuil ophalen", "grofvuul", "kliko stuk",
    "container niet geleegd", "milieustraat openingstijden", "woz bezwaar", "kwijtschelding",
    "aanslag gemeentelijke belastingen", "betalingsregeling", "parkeervergunning aanvragen",
    "bezoekersparkeren", "parkeerboete bezwaar", "bijstand aanvragen", "uitkering niet ontvangen",
    "scootmobiel", "huishoudelijke hulp", "wmo hulpmiddel", "lantaarnpaal kapot", "losliggende stoeptegel",
    "dakkapel", "boom kappen", "huurtoeslag", "trouwen", "schulden", "urgentie woning", "geluidsoverlast",
]
OUTCOMES = ["resolved"] * 6 + ["resolved_after_consult"] * 2 + ["referred", "customer_will_call_back"]
QUESTIONS = [
    "Inwoner vraagt hoe lang het verlengen van een paspoort duurt.",
    "Vraag over de aanslag gemeentelijke belastingen: bedrag klopt volgens inwoner niet.",
    "Container is deze week niet geleegd, wil weten wanneer het alsnog gebeurt.",
    "Wil een parkeervergunning voor een tweede auto aanvragen.",
    "Vraagt naar de status van de Wmo-aanvraag voor een scootmobiel.",
    "Wil bezwaar maken tegen de WOZ-waarde en vraagt naar de termijn.",
    "Verhuizing doorgeven voor het hele gezin, vraagt welke documenten nodig zijn.",
]
CONTACT_LINK = re.compile(r'href="/inbox/contact/(\d+)/"')
CUSTOMER_LINK = re.compile(r'href="/klanten/(\d+)/"')
ARTICLE_LINK = re.compile(r'href="/kennisbank/artikel/(\d+)/"')
FORM_ERRORS = re.compile(r'id="form-errors">(.*?)</ul>', re.S)

_samples: list[tuple[float, str, float, bool]] = []
_marks: dict[str, float] = {}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    _samples.append((time.time(), name, float(response_time), exception is not None))


@events.test_start.add_listener
def _started(**kwargs):
    _marks["test_start"] = time.time()


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    _marks.setdefault("spawning_complete", time.time())


@events.test_stop.add_listener
def _write_samples(**kwargs):
    path = os.environ.get("KCC_LOAD_SAMPLES")
    if not path:
        return
    _marks["test_stop"] = time.time()
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"marks": _marks, "think": THINK, "samples": _samples}, fh)


class LoopbackSecureCookieJar(RequestsCookieJar):
    """Keeps cookies marked Secure although the client speaks HTTP to 127.0.0.1: the TLS proxy
    that a real deployment has in front is left out of the test (see the module docstring)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class KccAgent(HttpUser):
    wait_time = between(*THINK)

    # --- session -----------------------------------------------------------------------

    def on_start(self):
        self.client.cookies = LoopbackSecureCookieJar()
        self.origin = "https://" + urlparse(self.host).netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "nl", "User-Agent": "kcc-load/1 (locust)"})
        self.username = ACCOUNTS[next(_accounts) % len(ACCOUNTS)]
        self.contacts: list[int] = list(DATA.get("contacts", []))
        self.customers: list[tuple[int, str]] = [tuple(c) for c in DATA.get("customers", [])]
        self.seen_customers: list[int] = []
        self.inbox_etag: str | None = None
        self.login()

    def login(self):
        page = self.get("/inloggen/", "login: form")
        form = find_form(page.text, action="/inloggen/") if page is not None else None
        if form is None:
            raise StopUser()
        data = {**form.fields, "username": self.username, "password": PASSWORD}
        done = self.post("/inloggen/", data, "login: submit", referer="/inloggen/")
        if done is None:
            raise StopUser()

    # --- HTTP helpers ----------------------------------------------------------------------

    def _htmx(self, *, target: str, current: str, trigger: str = "") -> dict:
        headers = {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": self.origin + current}
        if trigger:
            headers["HX-Trigger"] = trigger
        return headers

    def get(self, url, name, *, headers=None, expect=(200,), contains: str | None = None):
        """GET without following redirects; anything but the expected answer is a failure
        (a redirect to the login page means the session was lost)."""
        with self.client.get(url, name=name, headers=headers or {}, allow_redirects=False, catch_response=True) as r:
            if r.status_code == 0:
                r.failure(f"no response: {r.error!r}"[:300])
                return None
            if r.status_code not in expect:
                where = r.headers.get("Location", "")
                r.failure(f"HTTP {r.status_code}{' -> ' + where if where else ''}")
                return None
            if contains and r.status_code == 200 and contains not in r.text:
                r.failure(f"page lacks {contains!r}")
                return None
            r.success()
            return r

    def post(self, url, data, name, *, referer: str, expect_location: str | None = None):
        """POST a form as the browser does (Origin and Referer of the HTTPS site, CSRF token
        in the body and cookie); success is the redirect that follows a saved form."""
        headers = {"Origin": self.origin, "Referer": self.origin + referer}
        with self.client.post(url, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True) as r:
            location = r.headers.get("Location", "")
            if r.status_code == 0:
                r.failure(f"no response: {r.error!r}"[:300])
                return None
            if r.status_code != 302:
                found = FORM_ERRORS.search(r.text)
                errors = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())[:300] if found else ""
                r.failure(f"HTTP {r.status_code} (form not saved) {errors}".strip())
                return None
            if "/inloggen/" in location and "/inloggen/" not in url:
                r.failure("redirected to the login page")
                return None
            if expect_location and not re.search(expect_location, location):
                r.failure(f"unexpected redirect to {location}")
                return None
            r.success()
            return r

    def htmx_post(self, url, data, name, *, current: str, target: str, trigger: str = "", contains: str | None = None):
        """An htmx POST that answers with a fragment (200), e.g. a search whose text is personal
        data and therefore never goes into a URL."""
        headers = {**self._htmx(target=target, current=current, trigger=trigger), "Origin": self.origin, "Referer": self.origin + current}
        with self.client.post(url, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"no response: {r.error!r}"[:300] if r.status_code == 0 else f"HTTP {r.status_code}")
                return None
            if contains and contains not in r.text:
                r.failure(f"fragment lacks {contains!r}")
                return None
            r.success()
            return r

    def pause(self, low: float, high: float):
        gevent.sleep(random.uniform(low, high))

    # --- 40%: knowledge base ---------------------------------------------------------------

    @staticmethod
    def typing_pauses(query: str) -> list[str]:
        """The texts htmx sends while the agent types: the search box fires 250 ms after the
        last keystroke, so after each word and sometimes halfway through a long one."""
        sent, typed = [], ""
        for word in query.split():
            if len(word) > 5 and random.random() < 0.35:
                sent.append(typed + word[: random.randint(3, len(word) - 2)])
            typed += word
            sent.append(typed)
            typed += " "
        return sent

    @task(40)
    def search_knowledge_base(self):
        last = None
        for text in self.typing_pauses(random.choice(QUERIES)):
            url = "/kennisbank/?" + urlencode({"q": text, "department": "", "tag": ""})
            r = self.get(url, "kb: search as you type", headers=self._htmx(target="kb-results", current="/kennisbank/"),
                         contains='id="kb-results-heading"')
            last = r if r is not None else last
            self.pause(0.3, 0.9)
        hits = ARTICLE_LINK.findall(last.text) if last is not None else []
        if hits and random.random() < 0.6:
            self.get(f"/kennisbank/artikel/{hits[0]}/", "kb: article")

    # --- 30%: contacts and customers -------------------------------------------------------

    @task(30)
    def open_contact_or_customer(self):
        if random.random() < 0.5 and self.contacts:
            pk = random.choice(self.contacts)
            r = self.get(f"/inbox/contact/{pk}/", "contact: screen")
            if r is not None:
                self.seen_customers = (CUSTOMER_LINK.findall(r.text)[:1] + self.seen_customers)[:50]
            return
        if self.customers:
            pk = random.choice(self.customers)[0]
        elif self.seen_customers:
            pk = random.choice(self.seen_customers)
        else:
            return self.poll_inbox()
        self.get(f"/klanten/{pk}/", "customer: page")

    # --- 15%: registering calls and callbacks ----------------------------------------------

    @task(15)
    def register_work(self):
        if random.random() < 2 / 3:
            self.register_call()
        else:
            self.make_callback()

    def register_call(self):
        """A phone call as the desk works it: "Nieuw gesprek" (POST channels:call_start) opens
        the call as an open contact, the caller is identified in the workspace (POSTed search),
        and the close form records the question and outcome."""
        home = self.get("/inbox/", "inbox: list")
        start = find_form(home.text, action="/inbox/gesprek/nieuw/") if home is not None else None
        if start is None:
            return
        started = self.post("/inbox/gesprek/nieuw/", start.fields, "call: start (POST)", referer="/inbox/",
                            expect_location=r"^/inbox/contact/\d+/$")
        if started is None:
            return
        workspace = started.headers["Location"]
        page = self.get(workspace, "call: workspace")
        close = find_form(page.text, action=workspace + "afsluiten/") if page is not None else None
        identify = find_form(page.text, action=workspace + "beller/") if page is not None else None
        if close is None or identify is None:
            return
        if self.customers and random.random() < 0.75:
            _pk, phone = random.choice(self.customers)
            self.pause(1, 3)  # the agent types the number on the phone's display
            self.htmx_post(
                workspace + "beller/", {**identify.fields, "q": phone}, "call: caller search (POST)",
                current=workspace, target="caller", trigger="id_caller_q",
            )
        self.pause(2, 5)  # question, department and outcome are filled in during the call
        data = {**close.fields}
        data.update({
            "question": random.choice(QUESTIONS),
            "topic_department": random.choice(close.options.get("topic_department") or [""]),
            "outcome": random.choice(OUTCOMES),
        })
        self.post(workspace + "afsluiten/", data, "call: close (POST)", referer=workspace, expect_location=r"^/inbox/contact/\d+/$")

    def make_callback(self):
        if not self.customers:
            return self.register_call()
        pk, phone = random.choice(self.customers)
        page = self.get(f"/terugbellen/nieuw/?customer={pk}", "callback: form")
        form = find_form(page.text, action="/terugbellen/nieuw/") if page is not None else None
        if form is None:
            return
        department = random.choice(form.options.get("target_department") or [""])
        self.pause(1, 2)
        self.get(
            "/terugbellen/collega-keuzes/?" + urlencode({"guide": "1", "target_department": department}), "callback: colleague options",
            headers=self._htmx(target="id_assigned_to", current=f"/terugbellen/nieuw/?customer={pk}", trigger="id_target_department"),
        )
        self.pause(2, 5)
        data = {**form.fields, "question": random.choice(QUESTIONS), "target_department": department, "assigned_to": ""}
        data["phone"] = data.get("phone") or phone
        saved = self.post("/terugbellen/nieuw/", data, "callback: create (POST)", referer=f"/terugbellen/nieuw/?customer={pk}",
                          expect_location=r"^/terugbellen/\d+/$")
        if saved is not None:
            self.get(saved.headers["Location"], "callback: page")

    # --- 15%: inbox polling --------------------------------------------------------------

    @task(15)
    def poll_inbox(self):
        if self.inbox_etag is None:
            r = self.get("/inbox/", "inbox: page")
        else:
            headers = self._htmx(target="inbox-results", current="/inbox/", trigger="inbox-poll")
            headers.update({"X-KCC-Background": "1", "If-None-Match": self.inbox_etag})
            r = self.get("/inbox/?", "inbox: poll", headers=headers, expect=(200, 304))
        if r is None:
            return
        self.inbox_etag = r.headers.get("ETag") or self.inbox_etag
        if r.status_code == 200 and not DATA.get("contacts"):
            self.contacts = [int(pk) for pk in CONTACT_LINK.findall(r.text)] or self.contacts
