#!/usr/bin/env python3
"""Every query of every Grafana dashboard in grafana/dashboards/ against a real Prometheus.

The test starts the daemon (sim market, fast candles, so it trades within seconds) and Debian's
Prometheus scraping it every second, waits until Prometheus holds a few scrapes and the daemon
has filled orders, then runs each panel's PromQL through /api/v1/query. First promtool parses
every query (as the expression of a recording rule in a generated rule file). A query fails if
promtool or Prometheus cannot parse it, if it returns no series or only NaN, or if it names an
autotrader_* metric Prometheus has never scraped. A few panels may legitimately be empty: they
are listed in ALLOWED_EMPTY with the reason. Both processes are stopped and the temporary
directory removed on every exit path.

usage: grafana_panels_test.py --autotrader BIN --prometheus BIN [--promtool BIN] --dashboards DIR
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from e2e_support import die_with_parent, free_port, tail  # noqa: E402
from e2e_support import wait_for as _wait_for  # noqa: E402

EXPECTED_UIDS = {"autotrader-trading", "autotrader-reliability", "autotrader-ai"}
SCHEMA_VERSION = 39
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}

# Grafana's built-in variables, replaced as Grafana would for a short time range. The test's
# Prometheus scrapes every second, so one minute holds plenty of samples for rate(). Any other
# $variable is an error: the dashboards have no template variables, and one added later must be
# substituted (and so tested) here first.
BUILTINS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1m"}

# Panels whose query may return no data because they need an event this test cannot cause.
# Keyed by (dashboard uid, panel title, refId) -> why. Keep it short: every series the daemon
# knows is pre-registered at start-up and exports 0, so a counter's rate() or increase() and a
# gauge have data even when nothing happened. Today no panel needs an entry; an entry whose query
# does return data fails the test, so the list cannot go stale.
ALLOWED_EMPTY = {}

READY_TIMEOUT_S = 60.0
DATA_TIMEOUT_S = 90.0
MIN_SCRAPES = 5


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


T0 = time.monotonic()


# ---------------------------------------------------------------- dashboards

def walk_panels(panels):
    """Panels of a dashboard, rows' nested panels (collapsed rows) included."""
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def load_queries(dashboard_dir):
    """[(uid, panel title, refId, expr)] and a list of structural problems."""
    problems, queries, uids = [], [], set()
    files = sorted(f for f in os.listdir(dashboard_dir) if f.endswith(".json"))
    if not files:
        problems.append(f"no dashboards in {dashboard_dir}")
    for name in files:
        with open(os.path.join(dashboard_dir, name)) as f:
            d = json.load(f)
        uid = d.get("uid")
        uids.add(uid)
        where = f"{name} ({uid})"
        if d.get("schemaVersion") != SCHEMA_VERSION:
            problems.append(f"{where}: schemaVersion {d.get('schemaVersion')}, "
                            f"expected {SCHEMA_VERSION}")
        if d.get("time", {}).get("from") != "now-6h":
            problems.append(f"{where}: default time range is not now-6h")
        if d.get("templating", {}).get("list"):
            problems.append(f"{where}: has template variables this test does not substitute")
        ids = [p.get("id") for p in walk_panels(d.get("panels", []))]
        if len(ids) != len(set(ids)):
            problems.append(f"{where}: duplicate panel ids")
        titles = [p.get("title") for p in walk_panels(d.get("panels", []))]
        if len(titles) != len(set(titles)):
            problems.append(f"{where}: duplicate panel titles (ALLOWED_EMPTY keys on them)")
        for p in walk_panels(d.get("panels", [])):
            if p.get("type") == "row":
                continue
            title = p.get("title", "?")
            if p.get("datasource") != DATASOURCE:
                problems.append(f"{where} / {title}: panel data source is not {DATASOURCE}")
            targets = p.get("targets", [])
            if not targets:
                problems.append(f"{where} / {title}: no targets")
            for t in targets:
                if t.get("datasource", DATASOURCE) != DATASOURCE:
                    problems.append(f"{where} / {title}: target data source is not {DATASOURCE}")
                expr = t.get("expr", "")
                if not expr.strip():
                    problems.append(f"{where} / {title} {t.get('refId')}: empty expr")
                    continue
                queries.append((uid, title, t.get("refId", "?"), expr))
    if uids != EXPECTED_UIDS:
        problems.append(f"dashboard uids {sorted(map(str, uids))}, expected "
                        f"{sorted(EXPECTED_UIDS)}")
    for key in ALLOWED_EMPTY:
        if not any(q[:3] == key for q in queries):
            problems.append(f"ALLOWED_EMPTY names a panel that does not exist: {key}")
    return queries, problems


def substitute(expr):
    for var, value in BUILTINS.items():
        expr = expr.replace(var, value)
    left = re.findall(r"\$\{?\w+", expr)
    return expr, left


# ---------------------------------------------------------------- processes

def start(argv, cwd, env, out_path):
    out = open(out_path, "wb")
    try:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
    finally:
        out.close()


def stop(proc, name):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop on SIGTERM within 15 s: SIGKILL")
        proc.kill()
        proc.wait()


def wait_for(what, deadline_s, check, procs):
    """Polls check() until it returns a truthy value; fails if a process exits first."""
    def alive():
        for name, proc, out in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} while waiting for "
                                   f"{what}; its last output:\n{tail(out)}")
    return _wait_for(what, deadline_s, check, alive)


# ---------------------------------------------------------------- Prometheus API

class Prometheus:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, params=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:  # 400 bad_data, 422 execution: the body says why
            return e.code, e.read()

    def ready(self):
        try:
            return self.get("/-/ready")[0] == 200
        except OSError:
            return False

    def query(self, expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        code, body = self.get("/api/v1/query", params)
        try:
            return json.loads(body)
        except ValueError:
            return {"status": "error", "errorType": f"http {code}", "error": body[:200]}

    def scalar(self, expr):
        """The first sample's value of an instant query, or None."""
        r = self.query(expr)
        if r.get("status") != "success" or not r["data"]["result"]:
            return None
        return float(r["data"]["result"][0]["value"][1])


def samples(data):
    kind, result = data["resultType"], data["result"]
    if kind == "vector":
        return [float(s["value"][1]) for s in result]
    if kind == "matrix":
        return [float(v[1]) for s in result for v in s["values"]]
    if kind == "scalar":
        return [float(result[1])]
    return []


# ---------------------------------------------------------------- main

def promtool_parse(promtool, queries, tmp):
    """Every panel expression parsed by promtool, as the expression of a recording rule in a
    generated rule file (`promtool check rules` parses PromQL without a server). Returns the
    failures."""
    failures = []
    exprs = []
    for uid, title, ref, raw in queries:
        expr, unknown_vars = substitute(raw)
        if not unknown_vars:
            exprs.append((f"{uid} / {title} / {ref}", expr))
    path = os.path.join(tmp, "panel_rules.yml")
    with open(path, "w") as f:
        f.write("groups:\n  - name: panels\n    rules:\n")
        for i, (_, expr) in enumerate(exprs):
            f.write(f"      - record: panel_query_{i}\n        expr: {json.dumps(expr)}\n")
    proc = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    if proc.returncode != 0:
        out = proc.stdout + proc.stderr
        for i, (where, expr) in enumerate(exprs):
            if f'"panel_query_{i}"' in out:
                failures.append(f"{where}: promtool cannot parse it\n    {expr}")
        failures.append("promtool check rules failed on the panel queries:\n" + out.strip())
    else:
        log(f"promtool parsed all {len(exprs)} panel queries")
    return failures


def run(args, tmp):
    queries, problems = load_queries(args.dashboards)
    log(f"{len(queries)} panel queries in {args.dashboards}")
    problems = problems + promtool_parse(args.promtool, queries, tmp)

    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")}
    env.update({
        "AUTOTRADER_DATA_DIR": os.path.join(tmp, "data"),
        "AUTOTRADER_HTTP_PORT": "0",
        "AUTOTRADER_MARKET_VENUE": "sim",
        "AUTOTRADER_SIM_BAR_PERIOD_SECONDS": "0.05",
        "AUTOTRADER_LOG_CONSOLE": "true",
    })
    daemon_out = os.path.join(tmp, "autotrader.out")
    daemon = start([args.autotrader, "run"], tmp, env, daemon_out)
    procs = [("autotrader", daemon, daemon_out)]
    prometheus = None
    try:
        def daemon_port():
            with open(daemon_out, errors="replace") as f:
                m = re.search(r"HTTP server listening on 127\.0\.0\.1:(\d+)", f.read())
            return m and int(m.group(1))

        port = wait_for("the daemon's HTTP server", READY_TIMEOUT_S, daemon_port, procs)
        log(f"autotrader listening on 127.0.0.1:{port}")

        prom_port = free_port()
        config = os.path.join(tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                    "scrape_configs:\n"
                    "  - job_name: autotrader\n"
                    f"    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n")
        prom_out = os.path.join(tmp, "prometheus.out")
        prometheus = start([args.prometheus, f"--config.file={config}",
                            f"--storage.tsdb.path={os.path.join(tmp, 'promdata')}",
                            f"--web.listen-address=127.0.0.1:{prom_port}"],
                           tmp, {"PATH": env.get("PATH", "/usr/bin:/bin")}, prom_out)
        procs.append(("prometheus", prometheus, prom_out))
        api = Prometheus(prom_port)
        wait_for("Prometheus to be ready", READY_TIMEOUT_S, api.ready, procs)
        log(f"prometheus ready on 127.0.0.1:{prom_port}")

        def enough_data():
            scrapes = api.scalar("count_over_time(autotrader_build_info[1m])") or 0
            fills = api.scalar("sum(increase(autotrader_fills_total[1m]))") or 0
            orders = api.scalar("sum(increase(autotrader_decision_to_order_seconds_count[1m]))")
            return scrapes >= MIN_SCRAPES and fills > 0 and (orders or 0) > 0

        wait_for(f"{MIN_SCRAPES} scrapes and filled orders in Prometheus", DATA_TIMEOUT_S,
                 enough_data, procs)
        log("Prometheus holds scrapes of a daemon that has traded")

        code, body = api.get("/api/v1/label/__name__/values")
        known = set(json.loads(body)["data"]) if code == 200 else set()
        failures = list(problems)
        at = time.time()
        for uid, title, ref, raw in queries:
            where = f"{uid} / {title} / {ref}"
            expr, unknown_vars = substitute(raw)
            if unknown_vars:
                failures.append(f"{where}: unsubstituted variables {unknown_vars}")
                continue
            for name in set(re.findall(r"\bautotrader_\w+", expr)):
                if name not in known:
                    failures.append(f"{where}: metric {name} was never scraped")
            r = api.query(expr, at)
            if r.get("status") != "success":
                failures.append(f"{where}: {r.get('errorType')}: {r.get('error')}\n    {expr}")
                continue
            values = samples(r["data"])
            has_data = any(not math.isnan(v) for v in values)
            allowed = ALLOWED_EMPTY.get((uid, title, ref))
            if not has_data and not allowed:
                failures.append(f"{where}: no data ({len(values)} series, all NaN or none)"
                                f"\n    {expr}")
            elif has_data and allowed:
                failures.append(f"{where}: has data now, remove it from ALLOWED_EMPTY")
            else:
                log(f"ok   {where}: {len(r['data']['result'])} series"
                    + (f" (allowed empty: {allowed})" if allowed else ""))
        log(f"ran {len(queries)} queries")
        if daemon.poll() is not None:
            failures.append(f"autotrader exited with {daemon.returncode} during the queries")
        return failures
    finally:
        stop(prometheus, "prometheus")
        stop(daemon, "autotrader")
        log(f"stopped (autotrader exit {daemon.returncode})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--autotrader", required=True)
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--promtool", default="/usr/bin/promtool")
    parser.add_argument("--dashboards", required=True)
    args = parser.parse_args()
    # The processes run in the temporary directory: relative paths would not resolve there.
    args.autotrader, args.prometheus, args.promtool = map(
        os.path.abspath, (args.autotrader, args.prometheus, args.promtool))
    for exe in (args.autotrader, args.prometheus, args.promtool):
        if not os.access(exe, os.X_OK):
            print(f"FAIL: {exe} is not an executable (Prometheus: apt-get install prometheus)")
            return 1
    tmp = tempfile.mkdtemp(prefix="grafana-panels-")
    # A SIGTERM (ctest stopping us) unwinds through the finally blocks like an error.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        failures = run(args, tmp)
    except (RuntimeError, OSError) as e:
        failures = [str(e)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAIL {f}")
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s), "
          f"{time.monotonic() - T0:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
