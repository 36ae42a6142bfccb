#!/usr/bin/env python3
"""cdp.py: drives headless Chromium through the DevTools protocol.

    cdp.py PLAN.json

Starts chromium --headless with --remote-debugging-pipe (the protocol's
JSON messages on descriptors 3 and 4, NUL-terminated: no WebSocket, no
library), opens one page and runs the plan's steps in order:

    {"go": URL}                 navigate, wait for the load event
    {"fill": [SELECTOR, TEXT]}  set an input's value
    {"click": SELECTOR}         click an element, wait for the next load
    {"check": JS, "what": T}    JS must be true now (T names it)
    {"wait": JS, "what": T}     JS must become true within 10 seconds
    {"shot": FILE}              save a PNG screenshot of the page

Prints one line per step.  Exits 1 at the first check that fails, and
after the plan when the page logged a JavaScript error, an uncaught
exception or a console.error (a Content-Security-Policy violation is
one); 2 on a usage error or when Chromium does not answer.
"""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 20.0          # seconds for one answer of the browser
WAIT = 10.0             # seconds a "wait" step may take


class Browser:
    def __init__(self, exe):
        self.profile = tempfile.mkdtemp(prefix="cdp-w-")
        # os.pipe()'s descriptors are not inherited: the child keeps
        # only the 3 and 4 that child() makes of them.
        to_r, to_w = os.pipe()          # we write, Chromium reads (fd 3)
        from_r, from_w = os.pipe()      # Chromium writes (fd 4)

        def child():
            # Through copies: to_r may itself be 3 or 4.
            r, w = os.dup(to_r), os.dup(from_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--remote-debugging-pipe",
             "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync",
             "--window-size=1280,900", "--lang=en-US",
             "--user-data-dir=" + self.profile, "about:blank"],
            preexec_fn=child, close_fds=False, stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("CDP_LOG", os.devnull), "ab"))
        os.close(to_r)
        os.close(from_w)
        self.w = to_w
        self.r = from_r
        self.buf = b""
        self.next_id = 0
        self.session = None
        self.events = []
        self.errors = []

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("chromium went away")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def _event(self, m):
        method = m.get("method", "")
        p = m.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.errors.append("exception: " + d.get("text", "") + " " +
                               json.dumps(d.get("exception", {}).get(
                                   "description", "")))
        elif method == "Runtime.consoleAPICalled" and \
                p.get("type") in ("error", "assert"):
            self.errors.append("console.%s: %s" % (p.get("type"), " ".join(
                str(a.get("value", a.get("description", "")))
                for a in p.get("args", []))))
        elif method == "Log.entryAdded" and \
                p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            self.errors.append("log: %s %s" % (e.get("text"),
                                               e.get("url", "")))
        self.events.append(method)

    def call(self, method, params=None, session=True):
        self.next_id += 1
        mid = self.next_id
        m = {"id": mid, "method": method, "params": params or {}}
        if session and self.session:
            m["sessionId"] = self.session
        os.write(self.w, json.dumps(m).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            a = self._read_message(deadline)
            if a.get("id") == mid:
                if "error" in a:
                    raise RuntimeError("%s: %s" % (method, a["error"]))
                return a.get("result", {})
            self._event(a)

    def wait_event(self, name, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while name not in self.events:
            self._event(self._read_message(deadline))
        self.events.remove(name)

    def attach(self):
        t = self.call("Target.createTarget", {"url": "about:blank"},
                      session=False)
        a = self.call("Target.attachToTarget",
                      {"targetId": t["targetId"], "flatten": True},
                      session=False)
        self.session = a["sessionId"]
        for d in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(d)

    def js(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr,
                                           "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expr, r["exceptionDetails"].get(
                "exception", {}).get("description", "exception")))
        return r.get("result", {}).get("value")


def q(s):
    return json.dumps(s)


def step(b, s):
    if "go" in s:
        b.events = []
        b.call("Page.navigate", {"url": s["go"]})
        b.wait_event("Page.loadEventFired")
        return "go " + s["go"]
    if "fill" in s:
        sel, text = s["fill"]
        if not b.js("(function(){var e=document.querySelector(%s);"
                    "if(!e)return false;e.value=%s;return true;})()"
                    % (q(sel), q(text))):
            raise AssertionError("no element " + sel)
        return "fill " + sel
    if "click" in s:
        b.events = []
        if not b.js("(function(){var e=document.querySelector(%s);"
                    "if(!e)return false;e.click();return true;})()"
                    % q(s["click"])):
            raise AssertionError("no element " + s["click"])
        b.wait_event("Page.loadEventFired")
        return "click " + s["click"]
    if "check" in s:
        if b.js(s["check"]) is not True:
            raise AssertionError("false: %s (%s)" % (s.get("what", ""),
                                                     s["check"]))
        return "check " + s.get("what", s["check"])
    if "wait" in s:
        deadline = time.monotonic() + WAIT
        while b.js(s["wait"]) is not True:
            if time.monotonic() > deadline:
                raise AssertionError("still false after %ds: %s (%s)" % (
                    WAIT, s.get("what", ""), s["wait"]))
            time.sleep(0.2)
        return "wait " + s.get("what", s["wait"])
    if "shot" in s:
        png = b.call("Page.captureScreenshot", {"format": "png",
                                                "captureBeyondViewport":
                                                True})
        with open(s["shot"], "wb") as f:
            f.write(base64.b64decode(png["data"]))
        return "shot " + s["shot"]
    raise ValueError("unknown step %r" % s)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    exe = os.environ.get("CHROMIUM", "chromium")
    b = Browser(exe)
    status = 0
    try:
        b.attach()
        for s in plan:
            print("ok", step(b, s), flush=True)
    except AssertionError as e:
        print("FAIL", e, flush=True)
        status = 1
    except (TimeoutError, EOFError, RuntimeError) as e:
        print("ERROR", e, flush=True)
        status = 2
    finally:
        # Late errors: what the page logged while the plan ran.
        try:
            b.js("1")
        except Exception:
            pass
        errors = list(b.errors)
        b.close()
    for e in errors:
        print("JS ERROR", e, flush=True)
    if errors and status == 0:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
