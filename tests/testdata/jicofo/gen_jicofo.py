#!/usr/bin/env python3
"""Build Jicofo REST payloads (/stats, /metrics, /about/version) from Jicofo's source.

Standard library only.  The program reads a jitsi/jicofo source tree (a `git archive`
of one commit) and:

  * extracts every metric registration (`registerCounter`, `registerLongGauge`,
    `registerDoubleGauge`, `registerBooleanMetric`, `registerHistogram`, `registerInfo`)
    made on Jicofo's metrics container from `*/src/main`, and writes them to
    registry-<label>.json;
  * builds the `/stats` JSON of one fixed state (SCENARIO below), key by key in the order
    the source puts them, and checks that every key is a string literal at the source
    line it cites (the line numbers are found by the program, not typed);
  * writes the `/metrics` answer for the same state, in Prometheus text format 0.0.4 as
    prometheus simpleclient 0.16.0 `TextFormat.write004` writes jicoco's metrics;
  * writes the `/about/version` JSON.

Usage:
  gen_jicofo.py SRC_DIR --commit SHA --label LABEL [--build-number N] [-o OUT_DIR]
"""

import argparse
import json
import os
import re
import sys

# The comment blanking, argument splitting and Java number text the JVB's extractor and fixture writer use.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "jvb-metrics"))
from extract_registry import blank_comments, split_args as _split_args  # noqa: E402
from make_fixtures import go_double as java_double  # noqa: E402


def split_args(src, start):
    """The arguments of the call whose "(" ends just before start."""
    return _split_args(src, start)[0]

SCAN_DIRS = ("jicofo/src/main", "jicofo-common/src/main", "jicofo-selector/src/main")
METHODS = {
    "registerCounter": "counter",
    "registerLongGauge": "long gauge",
    "registerDoubleGauge": "double gauge",
    "registerBooleanMetric": "boolean",
    "registerHistogram": "histogram",
    "registerInfo": "info",
}
CALL_RE = re.compile(r"\.\s*(" + "|".join(METHODS) + r")\s*\(")

# ---------------------------------------------------------------------------
# The state the payloads describe.  Everything else is derived from it the way the
# source derives it.
# ---------------------------------------------------------------------------
SCENARIO = {
    # participant count of each running conference (FocusManager.updateMetrics)
    "conference_sizes": [2, 4, 7],
    "visitors": 0,
    "conferences_created": 14,          # counter conferences_created
    "participants_total": 57,           # counter participants
    "participants_moved": 3,            # counter participants_moved
    "bridges_removed": 1,               # counter bridges_removed
    "participants_ice_failed": 1,
    "participants_restart_requested": 2,
    # bridges: (brewery resource = `jvb` label, operational, endpoints now)
    "bridges": [("jvb-a1b2c3", True, 13), ("jvb-d4e5f6", False, 0)],
    "bridge_versions": 1,
    "lost_bridges": 0,
    "jibri": {"count": 1, "available": 1},
    "sip_jibri": {"count": 0, "available": 0},
    "jibri_recording_active": 0,
    "jigasi": {"sip_count": 1, "sip_in_graceful_shutdown_count": 0, "transcriber_count": 0},
    "jigasi_iq": {"rejected_requests": 0, "accepted_requests": 2, "retries": 0,
                  "instance_errors": 0, "instance_timeout": 0,
                  "requests_failed_no_instance": 0, "requests_failed_xmpp_not_connected": 0},
    "threads": 112,
    # JingleAction enum constant -> count (jitsi-xmpp-extensions JingleAction names)
    "jingle_sent": {"SESSION_INITIATE": 16, "SOURCEADD": 21, "SOURCEREMOVE": 5},
    "jingle_received": {"SESSION_ACCEPT": 16, "TRANSPORT_INFO": 9, "SESSION_TERMINATE": 3},
    # the one statistics-enabled PacketQueue ("jingle-iq-queue", JingleSession.kt)
    "jingle_queue": {"added": 28, "removed": 28, "dropped": 0, "duration_s": 3512.25,
                     "sizes_at_remove": [0] * 26 + [1, 1]},
    "conference_requests": 19,
    "conference_requests_new": 4,
    "health": {"success": True, "hardFailure": False, "responseCode": None, "sticky": False,
               "message": None, "slow_health_checks": 0},
    # seconds since the epoch at which the counters/histograms were created (_created)
    "created": 1755680000.123,
}


# ---------------------------------------------------------------------------
# Source scanning
# ---------------------------------------------------------------------------
def string_value(expr, consts):
    """Resolve a Kotlin/Java string expression made of literals, `+` and ${CONST}."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', expr)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', "", expr).replace("+", "").strip()
    if not parts or rest:
        return None
    s = "".join(parts)
    unresolved = False

    def sub(m):
        nonlocal unresolved
        key = m.group(1)
        if key in consts:
            return consts[key]
        unresolved = True
        return m.group(0)
    s = re.sub(r"\$\{([^}]*)\}", sub, s)
    return s, unresolved


def scan(src_dir):
    regs = []
    for d in SCAN_DIRS:
        for root, _, files in os.walk(os.path.join(src_dir, d)):
            for f in sorted(files):
                if not f.endswith((".kt", ".java")):
                    continue
                path = os.path.join(root, f)
                rel = os.path.relpath(path, src_dir)
                raw = open(path, encoding="utf-8").read()
                src = blank_comments(raw)
                consts = {m.group(1): m.group(2) for m in re.finditer(
                    r'(?:const\s+val|val|final\s+String)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"$]*)"', src)}
                for m in CALL_RE.finditer(src):
                    method = m.group(1)
                    line = src.count("\n", 0, m.start()) + 1
                    recv = src[src.rfind("\n", 0, m.start()) + 1:m.start()].strip().split()[-1]
                    args = split_args(src, m.end())
                    named = {}
                    pos = []
                    for a in args:
                        nm = re.match(r"([A-Za-z_]+)\s*=\s*(.*)$", a, re.S)
                        if nm and not a.startswith('"'):
                            named[nm.group(1)] = nm.group(2)
                        else:
                            pos.append(a)
                    name_expr = named.get("name", pos[0] if pos else "")
                    help_expr = named.get("help", pos[1] if len(pos) > 1 else "")
                    nv = string_value(name_expr, consts)
                    hv = string_value(help_expr, consts)
                    labels = re.findall(r'"([^"]*)"', named.get("labelNames", ""))
                    initial = None
                    if method in ("registerBooleanMetric", "registerLongGauge", "registerCounter",
                                  "registerDoubleGauge") and len(pos) > 2:
                        initial = pos[2]
                    regs.append({
                        "method": method, "type": METHODS[method], "file": rel, "line": line,
                        "receiver": recv, "name_expr": name_expr,
                        "name": nv[0] if nv else None,
                        "name_is_template": bool(nv and nv[1]),
                        "help": hv[0] if hv else None,
                        "label_names": labels, "initial_value": initial,
                        "info_value_expr": pos[2] if method == "registerInfo" and len(pos) > 2 else None,
                    })
    return regs


def find_namespace(src_dir):
    for d in SCAN_DIRS:
        for root, _, files in os.walk(os.path.join(src_dir, d)):
            for f in files:
                if f.endswith(".kt"):
                    p = os.path.join(root, f)
                    m = re.search(r'MetricsContainer\(\s*namespace\s*=\s*"([^"]+)"', open(p).read())
                    if m:
                        return m.group(1), os.path.relpath(p, src_dir), \
                            open(p).read()[:m.start()].count("\n") + 1
    raise SystemExit("no MetricsContainer subclass found")


def registered_name(reg):
    n = reg["name"]
    if reg["method"] == "registerCounter" and not n.endswith("_total"):
        n += "_total"   # jicoco MetricsContainer.registerCounter
    return n


def family_name(reg, ns):
    n = ns + "_" + registered_name(reg)
    if reg["method"] == "registerCounter":
        n = n[: -len("_total")]   # simpleclient Counter strips _total from the family
    return n


# ---------------------------------------------------------------------------
# Java number formatting
# ---------------------------------------------------------------------------
def jackson(v):
    """Jackson ObjectNode.toString() of a value tree (no spaces)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return java_double(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + jackson(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(jackson(x) for x in v) + "]"
    raise TypeError(v)


# ---------------------------------------------------------------------------
# jitsi-utils BucketStats / ConferenceSizeBuckets / QueueStatistics
# ---------------------------------------------------------------------------
MAX = 2 ** 63 - 1


def bucket_stats_json(values, thresholds, amm_label=""):
    counts = [0] * (len(thresholds) - 1)
    discarded = 0
    for v in values:
        if v < thresholds[0] or v > thresholds[-1]:
            discarded += 1
            continue
        for i in range(len(counts)):
            if v < thresholds[i + 1]:
                counts[i] += 1
                break
        else:
            counts[-1] += 1
    total_value, total_count = sum(values), len(values)
    average = total_value / total_count if total_count else float("nan")
    maxv = max([0] + values)           # AtomicLong(0) + maxAssign
    minv = min([0] + values)           # AtomicLong(0) + minAssign: stays 0 for sizes >= 0
    out = {"average" + amm_label: average, "max" + amm_label: maxv, "min" + amm_label: minv,
           "total_value": total_value, "total_count": total_count, "discarded": discarded}
    buckets = {}
    p99 = p999 = MAX
    s = 0
    for i, c in enumerate(counts):
        lo, hi = thresholds[i], thresholds[i + 1]
        buckets["%s_to_%s" % (lo, "max" if hi == MAX else hi)] = c
        s += c
        if hi < p99 and s > 0.99 * total_count:
            p99 = hi
        if hi < p999 and s > 0.999 * total_count:
            p999 = hi
    if total_count < 100 or p99 == MAX:
        p99 = -1
    if total_count < 1000 or p999 == MAX:
        p999 = -1
    buckets["p99_upper_bound"] = p99
    buckets["p999_upper_bound"] = p999
    out["buckets"] = buckets
    return out


def queue_length_thresholds(capacity):
    bounded = min(capacity, 16384)
    lst, i = [0], 1
    while i < bounded:
        lst.append(i)
        i *= 4
    if capacity == bounded:
        if capacity // 2 > lst[-1]:
            lst.append(capacity // 2)
        if capacity * 3 // 4 > lst[-1]:
            lst.append(capacity * 3 // 4)
    else:
        lst.append(bounded)
    lst.append(MAX)
    return lst


CONFERENCE_SIZE_THRESHOLDS = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 300, 400, 500, MAX]


# ---------------------------------------------------------------------------
# Key citations
# ---------------------------------------------------------------------------
class Citer:
    def __init__(self, src_dir):
        self.src_dir = src_dir
        self.rows = []
        self.cache = {}

    def line_of(self, rel, needle, after=None):
        if rel not in self.cache:
            self.cache[rel] = open(os.path.join(self.src_dir, rel), encoding="utf-8").read().split("\n")
        lines = self.cache[rel]
        start = 0
        if after:
            start = next(i for i, l in enumerate(lines) if after in l)
        for i in range(start, len(lines)):
            if needle in lines[i]:
                return i + 1
        raise SystemExit("key %r not found in %s" % (needle, rel))

    def key(self, path, rel, literal, kind, after=None, note=""):
        self.rows.append((path, kind, rel, self.line_of(rel, literal, after), note))


F_SERVICES = "jicofo/src/main/kotlin/org/jitsi/jicofo/JicofoServices.kt"
F_FOCUS = "jicofo/src/main/kotlin/org/jitsi/jicofo/FocusManager.kt"
F_SELECTOR = "jicofo-selector/src/main/kotlin/org/jitsi/jicofo/bridge/BridgeSelector.kt"
F_JIBRI_DET = "jicofo/src/main/kotlin/org/jitsi/jicofo/jibri/JibriDetectorMetrics.kt"
F_JIGASI_DET = "jicofo/src/main/kotlin/org/jitsi/jicofo/jigasi/JigasiDetector.kt"
F_JIGASI_IQ = "jicofo/src/main/kotlin/org/jitsi/jicofo/xmpp/JigasiIqHandler.kt"
F_JINGLE = "jicofo-common/src/main/kotlin/org/jitsi/jicofo/xmpp/jingle/JingleStats.kt"
F_JINGLE_SESSION = "jicofo-common/src/main/kotlin/org/jitsi/jicofo/xmpp/jingle/JingleSession.kt"


def build_stats(sc, version, cite, health):
    sizes = sc["conference_sizes"]
    participants = sum(max(s, 1) for s in sizes)
    pairs = sum(max(s, 1) ** 2 for s in sizes)      # FocusManager: confSize * confSize
    st = {}
    c = cite.key
    # FocusManager.stats, merged into the root by setAll (JicofoServices.getStats)
    st["total_participants"] = sc["participants_total"]; c("total_participants", F_FOCUS, '"total_participants"', "number (counter)")
    st["total_conferences_created"] = sc["conferences_created"]; c("total_conferences_created", F_FOCUS, '"total_conferences_created"', "number (counter)")
    st["conferences"] = len(sizes); c("conferences", F_FOCUS, 'put("conferences"', "number (gauge)")
    st["conferences_with_visitors"] = 0; c("conferences_with_visitors", F_FOCUS, '"conferences_with_visitors"', "number (gauge)")
    st["bridge_failures"] = {"participants_moved": sc["participants_moved"], "bridges_removed": sc["bridges_removed"]}
    c("bridge_failures", F_FOCUS, '"bridge_failures"', "object")
    c("bridge_failures.participants_moved", F_FOCUS, '"participants_moved"', "number (counter)")
    c("bridge_failures.bridges_removed", F_FOCUS, '"bridges_removed"', "number (counter)")
    st["participant_notifications"] = {"ice_failed": sc["participants_ice_failed"],
                                       "request_restart": sc["participants_restart_requested"]}
    c("participant_notifications", F_FOCUS, '"participant_notifications"', "object")
    c("participant_notifications.ice_failed", F_FOCUS, '"ice_failed"', "number (counter)")
    c("participant_notifications.request_restart", F_FOCUS, '"request_restart"', "number (counter)")
    st["largest_conference"] = max(sizes); c("largest_conference", F_FOCUS, '"largest_conference"', "number (gauge)")
    st["participants"] = participants; c("participants", F_FOCUS, 'put("participants"', "number (gauge, includes visitors)")
    st["visitors"] = sc["visitors"]; c("visitors", F_FOCUS, 'put("visitors"', "number (gauge)")
    st["conference_sizes"] = bucket_stats_json(sizes, CONFERENCE_SIZE_THRESHOLDS)
    c("conference_sizes", F_FOCUS, '"conference_sizes"', "object (jitsi-utils BucketStats.toJson: average float, max/min/total_value/total_count/discarded numbers, buckets object with <lo>_to_<hi|max> keys and p99/p999_upper_bound, -1 when too few values)")
    st["endpoint_pairs"] = pairs; c("endpoint_pairs", F_FOCUS, '"endpoint_pairs"', "number (sum of squared conference sizes)")
    st["jibri"] = {"total_sip_call_failures": 0, "total_live_streaming_failures": 0,
                   "total_recording_failures": 0, "live_streaming_active": 0,
                   "recording_active": sc["jibri_recording_active"], "sip_call_active": 0}
    c("jibri", F_FOCUS, '"jibri",', "object")
    for k in st["jibri"]:
        c("jibri." + k, F_FOCUS, '"%s"' % k, "number")
    q = sc["jingle_queue"]
    qs = {"added_packets": q["added"], "removed_packets": q["removed"], "dropped_packets": q["dropped"],
          "duration_s": q["duration_s"], "average_remove_rate_pps": q["removed"] / q["duration_s"],
          "queue_size_at_remove": bucket_stats_json(q["sizes_at_remove"], queue_length_thresholds(2 ** 31 - 1),
                                                    "_queue_size_at_remove")}
    st["queues"] = {"jingle-iq-queue": qs}
    c("queues", F_FOCUS, '"queues"', "object (jitsi-utils QueueStatistics.getStatistics: one object per statistics-enabled PacketQueue id)")
    c("queues.jingle-iq-queue", F_JINGLE_SESSION, '"jingle-iq-queue"', "object (the only PacketQueue built with enableStatistics = true)")
    # JicofoServices.getStats
    st["bridge_selector"] = {"bridge_count": len(sc["bridges"]),
                             "operational_bridge_count": sum(1 for b in sc["bridges"] if b[1]),
                             "in_shutdown_bridge_count": 0, "lost_bridges": sc["lost_bridges"],
                             "bridge_version_count": sc["bridge_versions"]}
    c("bridge_selector", F_SERVICES, '"bridge_selector"', "object")
    for k in st["bridge_selector"]:
        c("bridge_selector." + k, F_SELECTOR, '"%s"' % k, "number")
    st["jibri_detector"] = dict(sc["jibri"]); c("jibri_detector", F_JIBRI_DET, '"jibri_detector"', "object (always present)")
    c("jibri_detector.count", F_JIBRI_DET, '"count"', "number")
    c("jibri_detector.available", F_JIBRI_DET, '"available"', "number")
    st["sip_jibri_detector"] = dict(sc["sip_jibri"]); c("sip_jibri_detector", F_JIBRI_DET, '"sip_jibri_detector"', "object (always present)")
    st["jigasi_detector"] = dict(sc["jigasi"])
    c("jigasi_detector", F_SERVICES, '"jigasi_detector"', "object (only when a jigasi brewery is configured)")
    for k in sc["jigasi"]:
        c("jigasi_detector." + k, F_JIGASI_DET, '"%s"' % k, "number")
    st["jigasi"] = dict(sc["jigasi_iq"])
    c("jigasi", F_SERVICES, 'set<ObjectNode>("jigasi"', "object ({} when no jigasi brewery is configured)")
    for k in sc["jigasi_iq"]:
        c("jigasi." + k, F_JIGASI_IQ, '"%s"' % k, "number")
    st["threads"] = sc["threads"]; c("threads", F_SERVICES, '"threads"', "number")
    st["jingle"] = {"sent": dict(sc["jingle_sent"]), "received": dict(sc["jingle_received"])}
    c("jingle", F_SERVICES, '"jingle"', "object")
    c("jingle.sent", F_JINGLE, '"sent"', "object keyed by JingleAction enum constant names")
    c("jingle.received", F_JINGLE, '"received"', "object keyed by JingleAction enum constant names")
    st["version"] = version; c("version", F_SERVICES, 'put("version"', "string")
    if health:
        h = sc["health"]
        st["slow_health_check"] = h["slow_health_checks"]
        c("slow_health_check", F_SERVICES, '"slow_health_check"', "number (only when health checks are enabled)")
        st["healthy"] = h["success"]; c("healthy", F_SERVICES, 'put("healthy"', "boolean (only when health checks are enabled)")
        st["health"] = {k: h[k] for k in ("success", "hardFailure", "responseCode", "sticky", "message")}
        c("health", F_SERVICES, '"health",', "object (only when health checks are enabled)")
        for k, kind in (("success", "boolean"), ("hardFailure", "boolean"), ("responseCode", "number or null"),
                        ("sticky", "boolean"), ("message", "string or null")):
            c("health." + k, F_SERVICES, '"%s" to' % k, kind)
    return st


# ---------------------------------------------------------------------------
# /metrics (simpleclient 0.16.0 TextFormat.write004)
# ---------------------------------------------------------------------------
def escape_help(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def escape_label(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def sample(name, labels, value):
    lab = ""
    if labels:
        lab = "{" + "".join('%s="%s",' % (k, escape_label(v)) for k, v in labels) + "}"
    return "%s%s %s\n" % (name, lab, java_double(float(value)))


def metric_values(sc, version, health):
    """Exposed value(s) per registered name for the scenario; None = no sample (labeled, unset)."""
    sizes = sc["conference_sizes"]
    bridges = sc["bridges"]
    v = {
        "threads": sc["threads"], "xmpp_disconnects_total": 0,
        "conferences_created_total": sc["conferences_created"],
        "conferences_seconds": 0.0, "endpoint_seconds": 0.0,
        "participants_total": sc["participants_total"], "participants_no_start_muted_rmd_total": 0,
        "participants_moved_total": sc["participants_moved"], "bridges_removed_total": sc["bridges_removed"],
        "participants_ice_failed_total": sc["participants_ice_failed"],
        "participants_restart_requested_total": sc["participants_restart_requested"],
        "largest_conference": max(sizes), "participants_current": sum(max(s, 1) for s in sizes),
        "visitors_current": sc["visitors"], "conferences": len(sizes), "conferences_with_visitors": 0,
        "participants_pairs": sum(max(s, 1) ** 2 for s in sizes),
        "bridge_selector_lost_bridges_total": sc["lost_bridges"],
        "bridge_selector_bridge_count": len(bridges),
        "bridge_selector_bridge_count_operational": sum(1 for b in bridges if b[1]),
        "bridge_selector_bridge_count_in_shutdown": 0,
        "bridge_selector_bridge_version_count": sc["bridge_versions"],
        "bridge_restart_requests_total": [],
        "bridge_endpoints": [((("jvb", b[0]),), b[2]) for b in bridges],
        "bridge_failing_ice": [((("jvb", b[0]),), 0) for b in bridges],
        "bridge_endpoints_moved_total": [],
        "bridge_selection_rate_limited_total": 0,
        "jigasi_sip_count": sc["jigasi"]["sip_count"],
        "jigasi_sip_in_graceful_shutdown_count": sc["jigasi"]["sip_in_graceful_shutdown_count"],
        "jigasi_transcriber_count": sc["jigasi"]["transcriber_count"],
        "jibri_instances": sc["jibri"]["count"], "jibri_instances_available": sc["jibri"]["available"],
        "sip_jibri_instances": sc["sip_jibri"]["count"],
        "sip_jibri_instances_available": sc["sip_jibri"]["available"],
        "jibri_sip_failures_total": 0, "jibri_recording_failures_total": 0,
        "jibri_live_streaming_failures_total": 0, "jibri_no_instance_failures_total": 0,
        "jibri_live_streaming_active": 0, "jibri_recording_active": sc["jibri_recording_active"],
        "jibri_sip_active": 0,
        "jigasi_iq_handler_rejected_requests_total": sc["jigasi_iq"]["rejected_requests"],
        "jigasi_iq_handler_accepted_requests_total": sc["jigasi_iq"]["accepted_requests"],
        "jigasi_iq_handler_retries_total": sc["jigasi_iq"]["retries"],
        "jigasi_iq_handler_instance_errors_total": sc["jigasi_iq"]["instance_errors"],
        "jigasi_iq_handler_instance_timeouts_total": sc["jigasi_iq"]["instance_timeout"],
        "conference_requests_total": sc["conference_requests"],
        "conference_requests_new_total": sc["conference_requests_new"],
        "load_redistributor_endpoints_moved_total": 0,
        "ice_restarts_requested_total": 0, "ice_restarts_relayed_total": 0,
        "ice_restarts_not_needed_total": 0, "ice_restarts_failed_total": 0,
    }
    if health:
        v["healthy"] = 1 if sc["health"]["success"] else 0
    return v


def expand_registrations(regs, sc):
    """Expand the templated Jingle counters for the actions of the scenario."""
    out = []
    for r in regs:
        if r["name_is_template"] and "${action.name.lowercase()}" in r["name_expr"]:
            counts = sc["jingle_sent"] if r["name"].endswith("_sent") else sc["jingle_received"]
            for action in counts:
                e = dict(r)
                e["name"] = r["name"].replace("${action.name.lowercase()}", action.lower())
                e["help"] = r["help"].replace("${action.name}", action)
                e["name_is_template"] = False
                e["value"] = counts[action]
                out.append(e)
        else:
            out.append(r)
    return out


def build_metrics(regs, ns, sc, version, health):
    vals = metric_values(sc, version, health)
    created = sc["created"]
    text = []
    om = {}   # OpenMetrics-only _created samples, written last as gauges (write004)
    fams = []
    for r in regs:
        if r["name"] is None:
            continue
        reg = registered_name(r)
        if r["file"].endswith("JicofoHealthChecker.kt") and not health:
            continue
        fams.append((r, reg))
    for r, reg in fams:
        fam = family_name(r, ns)
        t = r["method"]
        if t == "registerCounter":
            head_name, typ = fam + "_total", "counter"
        elif t == "registerInfo":
            head_name, typ = fam + "_info", "gauge"
        elif t == "registerHistogram":
            head_name, typ = fam, "histogram"
        else:
            head_name, typ = fam, "gauge"
        text.append("# HELP %s %s\n" % (head_name, escape_help(r["help"])))
        text.append("# TYPE %s %s\n" % (head_name, typ))
        if t == "registerInfo":
            label = r["name"]
            text.append(sample(fam + "_info", [(label, version)], 1))
            continue
        val = r.get("value", vals.get(reg))
        if val is None:
            raise SystemExit("no value for " + reg)
        series = val if isinstance(val, list) else [((), val)]
        for labels, x in series:
            if t == "registerCounter":
                text.append(sample(fam + "_total", list(labels), x))
                om.setdefault(fam + "_created", (r["help"], []))[1].append(sample(fam + "_created", list(labels), created))
            else:
                text.append(sample(fam, list(labels), x))
    for name in sorted(om):
        help_, lines = om[name]
        text.append("# HELP %s %s\n" % (name, escape_help(help_)))
        text.append("# TYPE %s gauge\n" % name)
        text.extend(lines)
    return "".join(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("--commit", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--build-number", default="1190")
    ap.add_argument("-o", "--out", default=".")
    a = ap.parse_args()

    ns, ns_file, ns_line = find_namespace(a.src)
    regs = scan(a.src)
    # jicofo's VersionImpl.toString(): major.minor.build (CurrentVersionImpl, Debian build "1.0-<build>")
    version = "1.0." + a.build_number

    registry = {
        "repository": "https://github.com/jitsi/jicofo", "commit": a.commit, "label": a.label,
        "namespace": ns, "namespace_source": "%s:%d" % (ns_file, ns_line),
        "count": len(regs),
        "registrations": [dict(r, registered_name=registered_name(r) if r["name"] else None,
                               exposed_family=family_name(r, ns) if r["name"] else None) for r in regs],
    }
    with open(os.path.join(a.out, "registry-%s.json" % a.label), "w") as f:
        json.dump(registry, f, indent=2)
        f.write("\n")

    cite = Citer(a.src)
    stats = build_stats(SCENARIO, version, cite, health=True)
    with open(os.path.join(a.out, "stats-%s.json" % a.label), "w") as f:
        f.write(jackson(stats) + "\n")
    cite_off = Citer(a.src)
    stats_off = build_stats(SCENARIO, version, cite_off, health=False)
    with open(os.path.join(a.out, "stats-%s-health-disabled.json" % a.label), "w") as f:
        f.write(jackson(stats_off) + "\n")
    with open(os.path.join(a.out, "stats-keys-%s.md" % a.label), "w") as f:
        f.write("| key | JSON type | source (jitsi/jicofo @ %s) |\n|---|---|---|\n" % a.commit[:12])
        for path, kind, rel, line, note in cite.rows:
            f.write("| `%s` | %s | `%s:%d` |\n" % (path, kind, rel, line))

    expanded = expand_registrations(regs, SCENARIO)
    with open(os.path.join(a.out, "metrics-%s.txt" % a.label), "w") as f:
        f.write(build_metrics(expanded, ns, SCENARIO, version, health=True))

    with open(os.path.join(a.out, "about-version.json"), "w") as f:
        # Application.kt: data class VersionInfo(name, version, os) answered through ktor's
        # ContentNegotiation/jackson; the name is CurrentVersionImpl's "JiCoFo".
        f.write(jackson({"name": "JiCoFo", "version": version, "os": "Linux"}) + "\n")
    print("namespace %s (%s:%d); %d registrations; %d unresolved" % (
        ns, ns_file, ns_line, len(regs), sum(1 for r in regs if r["name"] is None)), file=sys.stderr)


if __name__ == "__main__":
    main()
