#!/usr/bin/env python3
"""Alerts end to end: the daemon, Debian's Prometheus and Alertmanager, and a webhook receiver.

The test starts a webhook receiver (in this process), Alertmanager with a copy of
monitoring/alertmanager.yml (same routes and receivers; the webhook URL points at the receiver and
the group timers are seconds), fake_binance_server and fake_llm_server, the daemon (Binance venue
at the fake, Gemini at the fake as its only LLM, short staleness and breaker settings), and
Prometheus scraping the daemon every second with a copy of monitoring/alerts.yml in which only
the durations are shortened: every non-zero `for` becomes 10 s (SHORT_FOR_S) and every range
window [Nm] becomes N seconds. Then, one after the other:

  quiet start-up  the daemon streams candles and Gemini answers: no alert fires at all;
  feed stall      the fake's market clock stops: FeedStale (both symbols) reaches the webhook,
                  and its resolved notification arrives once the clock moves again;
  LLM outage      Gemini answers 500: LlmProviderBreakerOpen and AllLlmProvidersDown (Gemini is
                  the only LLM, so decisions come from the technical fallback) reach the webhook;
                  once Gemini answers again the breaker's half-open probe closes it and both are
                  resolved.

No other alert may reach the webhook during the run. Every process is stopped and the temporary
directory removed on every exit path (the children also die with this driver: PR_SET_PDEATHSIG).

usage: alerting_e2e_test.py --autotrader BIN --fake-binance BIN --fake-llm BIN
                            --monitoring DIR [--prometheus BIN] [--alertmanager BIN]
"""
import argparse
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from e2e_support import die_with_parent, free_port, tail  # noqa: E402
from e2e_support import wait_for as _wait_for  # noqa: E402

try:
    import yaml  # PyYAML: checks the copies structurally when present
except ImportError:  # pragma: no cover - the regex path below still runs
    yaml = None

T0 = time.monotonic()

SYMBOLS = ["BTCUSDT", "ETHUSDT"]
GEMINI_KEY = "gemini-alerting-e2e-key-5e81c2d4"

# The copy of alerts.yml: every non-zero `for` (1m, 2m, 5m) becomes 10 s. Not less: Prometheus
# applies its scrape targets up to 5 s after it starts, and until its first scrape of the daemon
# absent(up) holds, so a shorter `for` would fire AutotraderDown at every start. Range windows [Nm]
# become N seconds (15m -> 15 s: enough 1-second scrapes for increase(), short enough for
# AllLlmProvidersDown to see a window without an LLM answer within the test).
SHORT_FOR_S = 10

# The daemon: a symbol with no message for this long is stale (FeedStale's source).
STALE_AFTER_SECONDS = 3
# The fake's market clock: 30 s of market time per real second while the feed runs, so a 1m
# candle closes (and an analysis runs) every 2 s. The fake holds 60 minutes of candles after its
# start; the whole test uses about half of them.
TICK_S = 0.25
FAST_STEP_MS = 7_500
FAKE_FUTURE_MS = 60 * 60_000

EXPECTED_ALERTS = {"FeedStale", "LlmProviderBreakerOpen", "AllLlmProvidersDown"}

READY_TIMEOUT_S = 60.0
ALERT_TIMEOUT_S = 60.0
# Quiet start-up: rule evaluations to watch once the daemon is streaming and Gemini answering;
# longer than the shortened `for`, so a wrongly active rule would fire within it.
QUIET_OBSERVE_S = SHORT_FOR_S + 4.0


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------- processes

class Processes:
    """Every process the test started, stopped in reverse order by stop_all()."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []  # (name, Popen, output path)

    def start(self, name, argv, env, stdin=subprocess.DEVNULL, stdout_pipe=False):
        out_path = os.path.join(self.tmp, f"{name}.out")
        out = open(out_path, "wb")
        try:
            proc = subprocess.Popen(argv, cwd=self.tmp, env=env, stdin=stdin,
                                    stdout=subprocess.PIPE if stdout_pipe else out,
                                    stderr=out if stdout_pipe else subprocess.STDOUT,
                                    preexec_fn=die_with_parent)
        finally:
            out.close()
        self.procs.append((name, proc, out_path))
        return proc

    def check_alive(self):
        for name, proc, out in self.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; its last output:\n"
                                   f"{tail(out)}")

    def stop_all(self):
        for name, proc, _ in reversed(self.procs):
            if proc.poll() is not None:
                continue
            if proc.stdin:  # the fakes stop at the end of their input
                try:
                    proc.stdin.close()
                    proc.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop on SIGTERM within 15 s: SIGKILL")
                    proc.kill()
                    proc.wait()
            if proc.stdout:
                proc.stdout.close()
            log(f"stopped {name} (exit {proc.returncode})")


def wait_for(what, deadline_s, check, procs):
    """Polls check() until it returns a truthy value; fails if a process exits first."""
    return _wait_for(what, deadline_s, check, procs.check_alive)


def http_request(method, url, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def http_ok(url):
    try:
        return http_request("GET", url, timeout=2)[0] == 200
    except OSError:
        return False


def port_in_output(path, pattern):
    with open(path, errors="replace") as f:
        m = re.search(pattern, f.read())
    return m and int(m.group(1))


# ---------------------------------------------------------------- webhook receiver

class Webhook:
    """Records every payload Alertmanager POSTs, with the time it arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.payloads = []  # (monotonic time, payload)
        webhook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = {"unparsable": body.decode(errors="replace")}
                payload["_path"] = self.path
                with webhook.lock:
                    webhook.payloads.append((time.monotonic(), payload))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self):
        return f"http://127.0.0.1:{self.port}/alerts"

    def all(self):
        with self.lock:
            return list(self.payloads)

    def find(self, alertname, status, since):
        """The first payload since `since` for the alertname's group with that status."""
        for at, p in self.all():
            if at >= since and p.get("status") == status and \
                    p.get("groupLabels", {}).get("alertname") == alertname:
                return at, p
        return None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- the fakes

class FakeBinance:
    """fake_binance_server: one command per stdin line, one answer line per command. A pump
    thread moves the market clock forward while the feed runs; pause() stalls the feed."""

    def __init__(self, procs, exe):
        self.start_ms = int(time.time() * 1000)
        self.proc = procs.start("fake_binance", [exe, "--now", str(self.start_ms),
                                                 "--symbols", ",".join(SYMBOLS)],
                                {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                                stdin=subprocess.PIPE, stdout_pipe=True)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("PORT "):
            raise RuntimeError(f"fake_binance_server did not print its port: {line!r}")
        self.port = int(line[5:])
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.stopping = threading.Event()
        self.error = None
        self.advanced_ms = 0
        self.pump = threading.Thread(target=self._pump, daemon=True)

    def command(self, text):
        with self.lock:
            self.proc.stdin.write((text + "\n").encode())
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline().decode().strip()
        if not answer.startswith("OK"):
            raise RuntimeError(f"fake_binance_server: {text!r} -> {answer!r}")
        return answer

    def _pump(self):
        while not self.stopping.wait(TICK_S):
            if not self.running.is_set():
                continue
            if self.advanced_ms + FAST_STEP_MS >= FAKE_FUTURE_MS:
                self.error = "the fake ran out of candles: the test ran far longer than planned"
                return
            try:
                self.command(f"advance {FAST_STEP_MS}")
                self.advanced_ms += FAST_STEP_MS
            except (RuntimeError, OSError) as e:
                self.error = str(e)
                return

    def start_pump(self):
        self.running.set()
        self.pump.start()

    def pause(self):
        self.running.clear()

    def resume(self):
        self.running.set()

    def stop_pump(self):
        self.stopping.set()
        if self.pump.is_alive():
            self.pump.join()


class FakeLlm:
    def __init__(self, procs, exe, tmp):
        out = os.path.join(tmp, "fake_llm.out")
        procs.start("fake_llm", [exe, "--key", f"gemini={GEMINI_KEY}", "--exit-on-eof"],
                    {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, stdin=subprocess.PIPE)
        self.port = wait_for("fake_llm_server's port", READY_TIMEOUT_S,
                             lambda: port_in_output(out, r"PORT (\d+)"), procs)
        self.origin = f"http://127.0.0.1:{self.port}"

    def gemini_default(self, behaviour):
        code, body = http_request("POST", self.origin + "/_fake/default",
                          {"provider": "gemini", "behaviour": behaviour})
        if code != 200:
            raise RuntimeError(f"fake_llm_server /_fake/default: {code} {body[:200]!r}")


# ---------------------------------------------------------------- the configuration copies

def shorten_alert_rules(text):
    """alerts.yml with every `for: Nm` -> SHORT_FOR_S and [Nm] -> [Ns]; nothing else."""
    def for_(m):
        value = m.group(2)
        if re.fullmatch(r"0s", value):
            return m.group(0)
        mm = re.fullmatch(r"(\d+)m", value)
        if not mm:
            raise RuntimeError(f"alerts.yml: a `for` this test cannot shorten: {value}")
        return f"{m.group(1)}{SHORT_FOR_S}s"

    text, fors = re.subn(r"(?m)^(\s+for:\s*)(\S+)\s*$", for_, text)
    text = re.sub(r"\[(\d+)m\]", r"[\1s]", text)
    if re.search(r"\[\d+[hdwy]\]", text):
        raise RuntimeError("alerts.yml has a range window in hours or more: shorten it here too")
    return text, fors


def alert_names(text):
    return re.findall(r"(?m)^\s*- alert:\s*(\w+)\s*$", text)


def check_rules_copy(original, copy):
    """The copy has the same alerts, and each the same expr (up to its windows), labels and
    annotations; only `for` and windows differ. Returns the alert names."""
    names = alert_names(original)
    if not names or names != alert_names(copy):
        raise RuntimeError(f"the shortened rules name other alerts: {alert_names(copy)} "
                           f"instead of {names}")
    if yaml is None:
        log("PyYAML not found: the copy of alerts.yml is checked by its alert names only")
        return names
    def rules(text):
        return [r for g in yaml.safe_load(text)["groups"] for r in g["rules"]]
    windowless = lambda e: re.sub(r"\[\d+[sm]\]", "[]", e)  # noqa: E731
    for a, b in zip(rules(original), rules(copy)):
        if windowless(a["expr"]) != windowless(b["expr"]) or a["labels"] != b["labels"] or \
                a["annotations"] != b["annotations"] or set(a) != set(b):
            raise RuntimeError(f"the shortened copy of {a['alert']} differs beyond its durations")
        if str(b["for"]) == "0s" and str(a["for"]) != "0s":
            raise RuntimeError(f"{a['alert']}: `for` shortened to 0")
    return names


def alertmanager_copy(text, webhook_url):
    """alertmanager.yml with the webhook URL at the receiver and the group timers in seconds;
    routes, matchers, receivers and inhibit rules untouched."""
    timers = {"group_wait": "1s", "group_interval": "2s", "repeat_interval": "1m"}
    out, n_url = re.subn(r'(?m)^(\s+- url:\s*)"http://[^"]*"', rf'\g<1>"{webhook_url}"', text)
    if n_url != 1:
        raise RuntimeError(f"alertmanager.yml: expected one webhook url, found {n_url}")
    for key, value in timers.items():
        out, n = re.subn(rf"(?m)^(\s+{key}:\s*)\S+\s*$", rf"\g<1>{value}", out)
        if n == 0:
            raise RuntimeError(f"alertmanager.yml: no {key} to shorten")
    if yaml is not None:
        a, b = yaml.safe_load(text), yaml.safe_load(out)
        def strip(route):  # a route tree without its timers
            return {k: [strip(r) for r in v] if k == "routes" else v
                    for k, v in route.items() if k not in timers}
        if strip(a["route"]) != strip(b["route"]) or \
                [r["name"] for r in a["receivers"]] != [r["name"] for r in b["receivers"]] or \
                a.get("inhibit_rules") != b.get("inhibit_rules"):
            raise RuntimeError("the copy of alertmanager.yml differs beyond its URL and timers")
    return out


# ---------------------------------------------------------------- Prometheus API

class Prometheus:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path, params=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        code, body = http_request("GET", url)
        try:
            r = json.loads(body)
        except ValueError:
            r = {}
        if code != 200 or r.get("status") != "success":
            raise RuntimeError(f"Prometheus {path} {params}: {code} {body[:300]!r}")
        return r["data"]

    def vector(self, expr):
        return self.api("/api/v1/query", {"query": expr})["result"]

    def scalar(self, expr):
        result = self.vector(expr)
        return float(result[0]["value"][1]) if result else None

    def rules(self):
        return [r for g in self.api("/api/v1/rules")["groups"] for r in g["rules"]]


def describe(payload):
    """'firing: FeedStale{severity=warning,symbol=BTCUSDT,venue=binance}=firing, ...'"""
    def one(alert):
        labels = alert.get("labels", {})
        rest = ",".join(f"{k}={v}" for k, v in sorted(labels.items())
                        if k not in ("alertname", "job", "instance"))
        return f"{labels.get('alertname')}{{{rest}}}={alert.get('status')}"
    return f"{payload.get('status')}: " + ", ".join(one(a) for a in payload.get("alerts", []))


# ---------------------------------------------------------------- main

def run(args, tmp, procs, failures):
    with open(os.path.join(args.monitoring, "alerts.yml")) as f:
        rules_text = f.read()
    with open(os.path.join(args.monitoring, "alertmanager.yml")) as f:
        am_text = f.read()
    short_rules, fors = shorten_alert_rules(rules_text)
    names = check_rules_copy(rules_text, short_rules)
    log(f"alerts.yml: {len(names)} alerts, {fors} `for` durations shortened")
    missing = EXPECTED_ALERTS - set(names)
    if missing:
        raise RuntimeError(f"alerts.yml lacks {sorted(missing)}")

    webhook = Webhook()
    try:
        run_with_webhook(args, tmp, procs, failures, webhook, short_rules, am_text, names)
    finally:
        webhook.stop()


def run_with_webhook(args, tmp, procs, failures, webhook, short_rules, am_text, names):
    path_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    log(f"webhook receiver on {webhook.url()}")

    # Alertmanager.
    am_port = free_port()
    am_config = os.path.join(tmp, "alertmanager.yml")
    with open(am_config, "w") as f:
        f.write(alertmanager_copy(am_text, webhook.url()))
    procs.start("alertmanager", [args.alertmanager, f"--config.file={am_config}",
                                 f"--storage.path={os.path.join(tmp, 'amdata')}",
                                 f"--web.listen-address=127.0.0.1:{am_port}",
                                 "--cluster.listen-address="], path_env)
    wait_for("Alertmanager to be ready", READY_TIMEOUT_S,
             lambda: http_ok(f"http://127.0.0.1:{am_port}/-/ready"), procs)
    log(f"alertmanager ready on 127.0.0.1:{am_port}")

    # The fakes.
    fake_llm = FakeLlm(procs, args.fake_llm, tmp)
    binance = FakeBinance(procs, args.fake_binance)
    log(f"fake_llm_server on {fake_llm.port}, fake_binance_server on {binance.port}")
    try:
        run_with_fakes(args, tmp, procs, failures, webhook, short_rules, names, am_port,
                       fake_llm, binance, path_env)
    finally:
        binance.stop_pump()


def run_with_fakes(args, tmp, procs, failures, webhook, short_rules, names, am_port, fake_llm,
                   binance, path_env):
    # The daemon.
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")}
    env.update({
        "AUTOTRADER_DATA_DIR": os.path.join(tmp, "data"),
        "AUTOTRADER_HTTP_PORT": "0",
        "AUTOTRADER_LOG_CONSOLE": "true",
        "AUTOTRADER_MARKET_VENUE": "binance",
        "AUTOTRADER_MARKET_SYMBOLS": ",".join(SYMBOLS),
        "AUTOTRADER_MARKET_STALE_AFTER_SECONDS": str(STALE_AFTER_SECONDS),
        "AUTOTRADER_BINANCE_REST_BASE_URL": f"http://127.0.0.1:{binance.port}",
        "AUTOTRADER_BINANCE_WS_BASE_URL": f"ws://127.0.0.1:{binance.port}",
        "AUTOTRADER_LLM_PRIORITY": "gemini",
        "AUTOTRADER_LLM_GEMINI_BASE_URL": fake_llm.origin,
        "GEMINI_API_KEY": GEMINI_KEY,
        "AUTOTRADER_LLM_BREAKER_CONSECUTIVE_FAILURES": "2",
        "AUTOTRADER_LLM_BREAKER_COOLDOWN_SECONDS": "2",
        "AUTOTRADER_LLM_BREAKER_COOLDOWN_MAX_SECONDS": "2",
    })
    daemon_out = os.path.join(tmp, "autotrader.out")
    daemon = procs.start("autotrader", [args.autotrader, "run"], env)
    port = wait_for("the daemon's HTTP server", READY_TIMEOUT_S,
                    lambda: port_in_output(daemon_out,
                                           r"HTTP server listening on 127\.0\.0\.1:(\d+)"), procs)
    log(f"autotrader listening on 127.0.0.1:{port}")
    for symbol in SYMBOLS:
        binance.command(f"wait-subscribed {symbol.lower()}@kline_1m 30000")
    binance.start_pump()
    log("the daemon subscribed to both kline streams; the fake's market clock runs")

    # Prometheus.
    prom_port = free_port()
    with open(os.path.join(tmp, "alerts.yml"), "w") as f:
        f.write(short_rules)
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                "rule_files: [alerts.yml]\n"
                "alerting:\n"
                "  alertmanagers:\n"
                f"    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n"
                "scrape_configs:\n"
                "  - job_name: autotrader\n"
                f"    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n")
    prom_started = time.time()
    procs.start("prometheus", [args.prometheus, f"--config.file={config}",
                               f"--storage.tsdb.path={os.path.join(tmp, 'promdata')}",
                               f"--web.listen-address=127.0.0.1:{prom_port}"], path_env)
    prom = Prometheus(prom_port)
    wait_for("Prometheus to be ready", READY_TIMEOUT_S,
             lambda: http_ok(prom.base + "/-/ready"), procs)
    loaded = [r["name"] for r in prom.rules() if r.get("type") == "alerting"]
    if sorted(loaded) != sorted(names):
        raise RuntimeError(f"Prometheus loaded the alerts {loaded}, expected {names}")
    log(f"prometheus ready on 127.0.0.1:{prom_port} with all {len(loaded)} alerts")

    def check_pump():
        if binance.error:
            raise RuntimeError(binance.error)

    def wait(what, check, timeout=ALERT_TIMEOUT_S):
        def probe():
            check_pump()
            return check()
        return wait_for(what, timeout, probe, procs)

    # ---- quiet start-up
    def streaming_and_answering():
        fresh = prom.vector('autotrader_feed_stale{venue="binance"} == 0')
        answered = prom.scalar('sum(increase(autotrader_llm_analyses_total{result="provider"}'
                               '[30s]))') or 0
        return prom.scalar('up{job="autotrader"}') == 1 and len(fresh) == len(SYMBOLS) and \
            answered > 0
    wait("Prometheus to see both symbols fresh and Gemini answering", streaming_and_answering)
    log("quiet start-up: fresh data on both symbols, Gemini answers; watching the rules")
    quiet_from = time.monotonic()
    wait("the quiet start-up observation", lambda: time.monotonic() - quiet_from >= QUIET_OBSERVE_S)
    fired = prom.api("/api/v1/query_range", {
        "query": 'ALERTS{alertstate="firing"}', "start": f"{prom_started:.3f}",
        "end": f"{time.time():.3f}", "step": "1s"})["result"]
    if fired:
        failures.append("alerts fired during the quiet start-up: "
                        + ", ".join(sorted({s["metric"]["alertname"] for s in fired})))
    if webhook.all():
        failures.append("the webhook received notifications during the quiet start-up: "
                        + "; ".join(describe(p) for _, p in webhook.all()))
    if not failures:
        log("quiet start-up: no alert fired, the webhook received nothing")

    # ---- the feed stalls
    stall = time.monotonic()
    binance.pause()
    log("fault: the fake's market clock stops (no market data)")
    at, payload = wait("FeedStale firing at the webhook",
                       lambda: webhook.find("FeedStale", "firing", stall))
    log(f"FeedStale at the webhook after {at - stall:.1f} s: {describe(payload)}")
    check_notification(payload, "FeedStale", "firing", failures, {"symbol": set(SYMBOLS)})
    # Wait for both symbols (they go stale together, but may reach Alertmanager apart).
    def both_stale():
        for _, p in webhook.all():
            firing = {a["labels"].get("symbol") for a in p.get("alerts", [])
                      if a["labels"].get("alertname") == "FeedStale" and a["status"] == "firing"}
            if firing >= set(SYMBOLS):
                return True
        return False
    wait("FeedStale firing for both symbols", both_stale)
    resume = time.monotonic()
    binance.resume()
    log("fault cleared: the market clock runs again")
    at, payload = wait("FeedStale resolved at the webhook",
                       lambda: webhook.find("FeedStale", "resolved", resume))
    log(f"FeedStale resolved at the webhook after {at - resume:.1f} s: {describe(payload)}")
    check_notification(payload, "FeedStale", "resolved", failures, {"symbol": set(SYMBOLS)})

    # ---- the primary LLM fails
    outage = time.monotonic()
    fake_llm.gemini_default({"fault": "server_error", "status": 500})
    log("fault: Gemini answers 500")
    found = {}
    for name in ("LlmProviderBreakerOpen", "AllLlmProvidersDown"):
        at, payload = wait(f"{name} firing at the webhook",
                           lambda: webhook.find(name, "firing", outage))
        log(f"{name} at the webhook after {at - outage:.1f} s: {describe(payload)}")
        found[name] = payload
    check_notification(found["LlmProviderBreakerOpen"], "LlmProviderBreakerOpen", "firing",
                       failures, {"provider": {"gemini"}})
    check_notification(found["AllLlmProvidersDown"], "AllLlmProvidersDown", "firing", failures)
    recover = time.monotonic()
    fake_llm.gemini_default({})  # the default decision again
    log("fault cleared: Gemini answers again")
    for name in ("LlmProviderBreakerOpen", "AllLlmProvidersDown"):
        at, payload = wait(f"{name} resolved at the webhook",
                           lambda: webhook.find(name, "resolved", recover))
        log(f"{name} resolved at the webhook after {at - recover:.1f} s: {describe(payload)}")
        check_notification(payload, name, "resolved", failures)
    state = prom.scalar('autotrader_llm_breaker_state{provider="gemini"}')
    if state != 0:
        failures.append(f"Gemini's breaker state is {state} after the recovery, expected 0")

    # ---- nothing else, and no secret
    if GEMINI_KEY in json.dumps([p for _, p in webhook.all()]):
        failures.append("Gemini's API key is in a notification")
    others = sorted({a["labels"].get("alertname") for _, p in webhook.all()
                     for a in p.get("alerts", [])} - EXPECTED_ALERTS)
    if others:
        failures.append(f"unexpected alerts reached the webhook: {others}")
    log(f"{len(webhook.all())} notifications in all; the fake's clock moved "
        f"{binance.advanced_ms / 60_000:.1f} market minutes")
    check_pump()
    if daemon.poll() is not None:
        failures.append(f"autotrader exited with {daemon.returncode} during the test")


def check_notification(payload, alertname, status, failures, expected_values=None):
    """Alertmanager's webhook payload (version 4) for one group of `alertname`."""
    where = f"{alertname} {status} notification"
    if payload.get("_path") != "/alerts" or payload.get("version") != "4" or \
            payload.get("receiver") != "autotrader-webhook":
        failures.append(f"{where}: path {payload.get('_path')}, version "
                        f"{payload.get('version')}, receiver {payload.get('receiver')}")
    alerts = [a for a in payload.get("alerts", [])
              if a.get("labels", {}).get("alertname") == alertname]
    if not alerts:
        failures.append(f"{where}: no {alertname} alert in it")
        return
    anchor = alertname.lower()
    for a in alerts:
        labels, annotations = a.get("labels", {}), a.get("annotations", {})
        if status == "resolved" and a.get("status") != "resolved":
            failures.append(f"{where}: an alert is {a.get('status')}: {labels}")
        if labels.get("severity") != "warning":
            failures.append(f"{where}: severity {labels.get('severity')}, expected warning")
        if labels.get("job") != "autotrader":
            failures.append(f"{where}: job {labels.get('job')}")
        if not annotations.get("summary") or "{{" in annotations["summary"]:
            failures.append(f"{where}: summary {annotations.get('summary')!r}")
        if not annotations.get("description"):
            failures.append(f"{where}: no description")
        if annotations.get("runbook_url") != f"docs/runbook.md#{anchor}":
            failures.append(f"{where}: runbook_url {annotations.get('runbook_url')!r}")
        for label, allowed in (expected_values or {}).items():
            if labels.get(label) not in allowed:
                failures.append(f"{where}: {label}={labels.get(label)!r}, expected one of "
                                f"{sorted(allowed)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--autotrader", required=True)
    parser.add_argument("--fake-binance", required=True)
    parser.add_argument("--fake-llm", required=True)
    parser.add_argument("--monitoring", required=True)
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    args = parser.parse_args()
    # The processes run in the temporary directory: relative paths would not resolve there.
    for name in ("autotrader", "fake_binance", "fake_llm", "prometheus", "alertmanager"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
        if not os.access(getattr(args, name), os.X_OK):
            print(f"FAIL: {getattr(args, name)} is not an executable (Prometheus and "
                  "Alertmanager: apt-get install prometheus prometheus-alertmanager)")
            return 1
    args.monitoring = os.path.abspath(args.monitoring)
    tmp = tempfile.mkdtemp(prefix="alerting-e2e-")
    # A SIGTERM (ctest stopping us) unwinds through the finally blocks like an error.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = Processes(tmp)
    failures = []
    try:
        run(args, tmp, procs, failures)
    except (RuntimeError, OSError) as e:
        failures.append(str(e))
        for name, _, out in procs.procs:
            if name == "autotrader":
                print(f"---- the daemon's last output:\n{tail(out, 40)}")
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAIL {f}")
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s), "
          f"{time.monotonic() - T0:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
