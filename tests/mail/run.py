#!/usr/bin/python3
"""tests/mail/run.py - `collector issue --db`, `roll`, `revoke --sub` and
`collector mail` against a real SMTP server (aiosmtpd, Debian's
python3-aiosmtpd), started and stopped here on a free loopback port.

Every message the server receives is read back with Python's `email`
package: recipients, the personal link, subjects in French and Arabic,
Message-ID and Date.  Checks that a rerun sends nothing twice, that a
refused recipient is reported and retried, that a closed port fails with
exit 1 and records nothing, that reminders reach only delegates who have
not answered and are not revoked, and only while the questionnaire is open.
Nothing leaves the machine: the server listens on 127.0.0.1 only.

Environment (set by ctest): SND_COLLECTOR.  Exit 0 when every check
passed, 77 (skipped) when aiosmtpd is missing.
"""
import csv
import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    from aiosmtpd.controller import Controller
except ImportError:
    print("mail test skipped: python3-aiosmtpd is missing (scripts/deps.sh test)")
    sys.exit(77)

COLLECTOR = os.environ.get("SND_COLLECTOR", "build/collector")
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    """Keeps every accepted message; refuses RCPT for addresses in
    self.refuse (once each), as a full mailbox would."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            self.refuse.discard(address)
            return "452 4.2.2 mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def run(*args, env=None, expect=None):
    p = subprocess.run([COLLECTOR, *args], capture_output=True, text=True, env=env)
    if expect is not None:
        check(p.returncode == expect,
              f"collector {' '.join(args[:2])}: exit {p.returncode}, expected {expect}: {p.stderr}")
    return p


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


TITLES = {"en": "Review of the LSG concept", "fr": "Examen du concept de CEP",
          "ar": "استعراض مفهوم لجنة الدراسات الرائدة"}


def main():
    work = tempfile.mkdtemp(prefix="snd-mail-")
    handler = Handler()
    port = free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    server = None
    try:
        os.chdir(work)
        run("keygen", "--out", "keys", expect=0)
        form = {"id": "mailtest", "languages": ["en", "fr", "ar"], "title": TITLES,
                "opens": "2020-01-01T00:00:00Z", "closes": "2099-02-06T18:00:00Z",
                "anonymity": "attributed",
                "sections": [{"id": "s", "title": "S", "questions": [
                    {"id": "q", "type": "text", "text": "Anything?"}]}]}
        with open("form.json", "w") as f:
            json.dump(form, f, ensure_ascii=False)
        with open("delegates.csv", "w", encoding="utf-8") as f:
            f.write("id;entity;name;email;lang;region\n"
                    "d1;Ruritania;Ana Lima;d1@example.org;en;europe\n"
                    "d2;Freedonia;Élise Roux;d2@example.org;fr;europe\n"
                    "d3;Kasaq;سارة;d3@example.org;ar;arab\n"
                    "d4;Grand Fenwick;Bob;d4@example.org;;europe\n"
                    "d5;Elbonia;Eve;;en;asia\n")
        run("issue", "--key", "keys/issuer.secret", "--form", "form.json", "--delegates",
            "delegates.csv", "--out", "links.csv", "--db", "t.db", expect=0)
        check(os.stat("links.csv").st_mode & 0o777 == 0o600, "links.csv is 0600")
        with open("links.csv", encoding="utf-8") as f:
            links = {r["id"]: r for r in csv.DictReader(f)}
        tokens = [r["token"] for r in links.values()]

        # The roll: every link, no token.
        p = run("roll", "list", "--db", "t.db", "--form", "mailtest", expect=0)
        roll = list(csv.DictReader(p.stdout.splitlines()))
        check(sorted(r["id"] for r in roll) == ["d1", "d2", "d3", "d4", "d5"], "roll lists all")
        check(all(r["jti"] == links[r["id"]]["jti"] for r in roll), "roll jti match links")
        check(not any(t in p.stdout for t in tokens), "roll list holds no token")
        with open("t.db", "rb") as f:
            dbbytes = f.read()
        check(not any(t.encode() in dbbytes for t in tokens), "database holds no token")

        # issue --db with a bad row records nothing.
        with open("bad.csv", "w") as f:
            f.write("id,entity\nx1,A\nx1,B\n")
        p = run("issue", "--key", "keys/issuer.secret", "--form", "form.json", "--delegates",
                "bad.csv", "--db", "t.db", expect=1)
        check("bad.csv:3" in p.stderr, "issue names the duplicate line")
        p = run("roll", "list", "--db", "t.db", "--form", "mailtest", expect=0)
        check(len(p.stdout.splitlines()) == 6, "bad issue recorded nothing")

        common = ["--db", "t.db", "--form", "form.json", "--links", "links.csv"]
        smtp = f"smtp://127.0.0.1:{port}"

        # --dry-run: .eml files a parser reads back; nothing recorded.
        p = run("mail", *common, "--kind", "invite", "--dry-run", "dry", expect=0)
        check(os.stat("dry").st_mode & 0o777 == 0o700, "dry-run dir is 0700")
        emls = sorted(os.listdir("dry"))
        check(emls == ["d1.eml", "d2.eml", "d3.eml", "d4.eml"], f"dry-run files: {emls}")
        for name in emls:
            check(os.stat(os.path.join("dry", name)).st_mode & 0o777 == 0o600, "eml 0600")
            with open(os.path.join("dry", name), "rb") as f:
                m = parse(f.read())
            sub = name[:-4]
            check(links[sub]["link"] in m.get_content(), f"{name} carries the link")
        check("d5" in p.stderr and "no email" in p.stderr, "no-email delegate reported")
        check(not any(t in p.stderr for t in tokens), "no token on stderr (dry run)")

        # A closed port: exit 1, nothing recorded.
        dead = free_port()
        p = run("mail", *common, "--kind", "invite", "--smtp", f"smtp://127.0.0.1:{dead}",
                "--from", "secretariat@example.org", expect=1)
        check("4 failed" in p.stderr, "closed port: every message failed")

        # Credentials in the URL are refused (usage error).
        run("mail", *common, "--kind", "invite", "--smtp", f"smtp://u:pw@127.0.0.1:{port}",
            "--from", "secretariat@example.org", expect=2)

        # The real server; d4's mailbox is full once.
        handler.refuse.add("d4@example.org")
        env = dict(os.environ, SOUNDING_SMTP_USER="", SOUNDING_SMTP_PASSWORD="hunter2-secret")
        p = run("mail", *common, "--kind", "invite", "--smtp", smtp, "--from",
                "secretariat@example.org", env=env, expect=1)
        check("452" in p.stderr and "d4" in p.stderr, f"refusal reported: {p.stderr}")
        check("mail: 3/4 sent, 1 failed" in p.stderr, "progress line")
        check("hunter2" not in p.stderr, "password never on stderr")
        check(not any(t in p.stderr for t in tokens), "no token on stderr")
        check(len(handler.messages) == 3, f"3 invites sent, got {len(handler.messages)}")
        p = run("mail", *common, "--kind", "invite", "--smtp", smtp, "--from",
                "secretariat@example.org", expect=0)
        check(len(handler.messages) == 4, "the refused one is retried, the others not resent")
        p = run("mail", *common, "--kind", "invite", "--smtp", smtp, "--from",
                "secretariat@example.org", expect=0)
        check(len(handler.messages) == 4, "a third run sends nothing")
        check("nothing to send" in p.stderr, "a rerun says nothing to send")

        seen = {}
        for mail_from, rcpts, raw in handler.messages:
            m = parse(raw)
            check(mail_from == "secretariat@example.org", "envelope sender")
            check(len(rcpts) == 1, "one recipient per message")
            sub = rcpts[0].split("@")[0]
            seen[sub] = seen.get(sub, 0) + 1
            check(m["To"].addresses[0].addr_spec == rcpts[0], "To matches the envelope")
            check(m["Message-ID"] is not None and m["Date"] is not None, "Message-ID, Date")
            lang = links[sub]["lang"] or "en"
            check(TITLES[lang] in str(m["Subject"]), f"{sub}: subject in {lang}: {m['Subject']}")
            body = m.get_content()
            check(links[sub]["link"] in body, f"{sub}: personal link in the body")
            check(links[sub]["name"] in body, f"{sub}: addressed by name")
            check("2099-02-06 18:00 UTC" in body, f"{sub}: closing time")
            others = [links[o]["token"] for o in links if o != sub]
            check(not any(t in body for t in others), f"{sub}: only their own link")
        check(seen == {"d1": 1, "d2": 1, "d3": 1, "d4": 1}, f"one invite each: {seen}")
        fr = [parse(r) for _, t, r in handler.messages if t == ["d2@example.org"]][0]
        check(str(fr["Subject"]).startswith("Examen du concept de CEP"), "French subject")
        ar = [parse(r) for _, t, r in handler.messages if t == ["d3@example.org"]][0]
        check("رابطكم الشخصي" in str(ar["Subject"]), "Arabic subject decodes")

        # d1 answers through a running collector; d2 is revoked by delegate id.
        cport = free_port()
        server = subprocess.Popen([COLLECTOR, "serve", "--form", "form.json", "--db", "t.db",
                                   "--issuer-pub", "keys/issuer.public", "--receipt-key",
                                   "keys/receipt.secret", "--listen", f"127.0.0.1:{cport}"]
                                  + (["--allow-root"] if os.geteuid() == 0 else []),
                                  stdout=subprocess.DEVNULL, stderr=open("serve.log", "w"))
        base = f"http://127.0.0.1:{cport}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            print(open("serve.log").read(), file=sys.stderr)
        req = urllib.request.Request(
            base + "/api/v1/questionnaires/mailtest/responses",
            data=json.dumps({"answers": {"q": "Yes"}}).encode(),
            headers={"Authorization": "Bearer " + links["d1"]["token"],
                     "Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            check(r.status == 201, "d1's answer stored")
        p = run("revoke", "--db", "t.db", "--form", "mailtest", "--sub", "d2", expect=0)
        check(links["d2"]["jti"] in p.stderr, "revoke --sub names the token")
        p = run("revoke", "--db", "t.db", "--form", "mailtest", "--sub", "nobody", expect=1)
        check("'nobody'" in p.stderr and "not on the roll" in p.stderr, "unknown delegate named")

        handler.messages.clear()
        p = run("mail", *common, "--kind", "remind", "--smtp", smtp, "--from",
                "secretariat@example.org", expect=0)
        got = sorted(t[0] for _, t, _ in handler.messages)
        check(got == ["d3@example.org", "d4@example.org"], f"reminders only to d3, d4: {got}")
        for _, t, raw in handler.messages:
            m = parse(raw)
            sub = t[0].split("@")[0]
            check(links[sub]["link"] in m.get_content(), "reminder carries the link")
        ar = [parse(r) for _, t, r in handler.messages if t == ["d3@example.org"]]
        check(ar and str(ar[0]["Subject"]).startswith("تذكير"), "Arabic reminder subject")
        run("mail", *common, "--kind", "remind", "--smtp", smtp, "--from",
            "secretariat@example.org", expect=0)
        check(len(handler.messages) == 2, "a remind rerun sends nothing twice")
        run("mail", *common, "--kind", "remind", "--smtp", smtp, "--from",
            "secretariat@example.org", "--resend", "--rate", "600", expect=0)
        check(len(handler.messages) == 4, "--resend sends the reminders again")

        # Template override: subject from DIR, body keeps the link.
        os.mkdir("tpl")
        with open("tpl/remind.en.txt", "w") as f:
            f.write("Subject: Last call for {title}\n\nDear {name}, {link} until {closes}.\n")
        handler.messages.clear()
        run("mail", *common, "--kind", "remind", "--smtp", smtp, "--from",
            "secretariat@example.org", "--resend", "--templates", "tpl", expect=0)
        en = [parse(r) for _, t, r in handler.messages if t == ["d4@example.org"]]
        check(en and str(en[0]["Subject"]) == "Last call for " + TITLES["en"], "override used")

        # Closed: reminders refused, nothing sent.
        server.terminate()
        server.wait(timeout=30)
        server = None
        run("close", "--db", "t.db", "--form", "mailtest", expect=0)
        handler.messages.clear()
        p = run("mail", *common, "--kind", "remind", "--smtp", smtp, "--from",
                "secretariat@example.org", "--resend", expect=1)
        check("closed" in p.stderr, f"closed questionnaire refuses remind: {p.stderr}")
        check(not handler.messages, "nothing sent when closed")

        # roll import: idempotent, signature checked, conflicts named by line.
        run("roll", "import", "--db", "r.db", "--pub", "keys/issuer.public", "links.csv",
            expect=0)
        p = run("roll", "import", "--db", "r.db", "--pub", "keys/issuer.public", "links.csv",
                expect=0)
        check("0 links added" in p.stderr and "5 already there" in p.stderr, "import idempotent")
        rows = list(csv.reader(open("links.csv", encoding="utf-8")))
        hdr = rows[0]
        rows[2][hdr.index("email")] = "other@example.org"
        with open("changed.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        p = run("roll", "import", "--db", "r.db", "changed.csv", expect=1)
        check("changed.csv:3" in p.stderr and "email" in p.stderr, f"conflict named: {p.stderr}")
        rows[2][hdr.index("email")] = links["d2"]["email"]
        rows[3][hdr.index("entity")] = "Forged"
        with open("forged.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        p = run("roll", "import", "--db", "r2.db", "--pub", "keys/issuer.public", "forged.csv",
                expect=1)
        check("forged.csv:4" in p.stderr and "entity" in p.stderr, "claims must match the row")
        p = run("roll", "list", "--db", "r2.db", "--form", "mailtest", expect=0)
        check(len(p.stdout.splitlines()) == 1, "a bad import changes nothing")

        # Cells that `issue` neutralised for spreadsheets (a leading '=', a
        # bidi control in an Arabic entity name) still match their token.
        with open("odd.csv", "w", encoding="utf-8") as f:
            f.write("id,entity,region\nz1,=Formula Ltd,EUR\nz2,\u0645\u0635\u0631\u202e,ARB\n")
        run("issue", "--key", "keys/issuer.secret", "--form", "form.json", "--delegates",
            "odd.csv", "--out", "odd-links.csv", expect=0)
        p = run("roll", "import", "--db", "r3.db", "--pub", "keys/issuer.public",
                "odd-links.csv", expect=0)
        check("2 links added" in p.stderr, f"neutralised cells import: {p.stderr}")
        check(not any(t in p.stderr for t in tokens), "no token on stderr (import)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        ctl.stop()
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    print("mail test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
