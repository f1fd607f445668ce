#!/usr/bin/env python3
"""Build Jigasi's /about/stats and /about/version answers from Jigasi's source.

Standard library only.  Reads a jitsi/jigasi source tree (`git archive` of one commit)
and the ColibriStatsExtension.java of jitsi-xmpp-extensions (for the key constants that
Statistics.java imports statically), resolves every key `Statistics.sendJSON` puts, checks
it at the source line it cites (found by the program), and writes the JSON the way
json-simple writes a java.util.HashMap: keys in HashMap iteration order (bucket index of
String.hashCode() spread, for the table size Java picks), Long as integers, Double with
Java's Double.toString, Boolean as true/false, JSONArray as [..].

Usage:
  gen_jigasi.py JIGASI_SRC COLIBRI_STATS_EXTENSION_JAVA --commit SHA --label LABEL
                [--xmpp-ext-commit SHA] [--version V] [-o OUT_DIR]
"""

import argparse
import json
import os
import re
import sys

STATISTICS = "src/main/java/org/jitsi/jigasi/stats/Statistics.java"

# The state the payload describes: two SIP calls, in conferences of 3 and 5 endpoints
# (members of the JVB room minus the focus), and counters since start.
SCENARIO = {
    "room_members": [4, 6],            # getJvbChatRoom().getMembersCount() per session
    "threads": 87,
    "timestamp": "2026-08-20 10:15:30.123",   # SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS"), UTC
    "counters": {
        "TOTAL_CONFERENCES_COMPLETED": 12, "TOTAL_PARTICIPANTS": 31, "TOTAL_CONFERENCE_SECONDS": 20417,
        "TOTAL_CALLS_WITH_DROPPED_MEDIA": 1, "TOTAL_COUNT_DROPPED_MEDIA": 2,
        "TOTAL_CALLS_WITH_CONNECTION_FAILED": 0, "TOTAL_CALLS_WITH_SIP_CALL_WAITING": 0,
        "TOTAL_CALLS_WITH_SIP_CALL_RECONNECTED": 0, "TOTAL_CALLS_WITH_JVB_MIGRATE": 1,
        "TOTAL_CALLS_JVB_NO_MEDIA": 0, "TOTAL_CALLS_NO_HEARTBEAT": 0,
        "TOTAL_TRANSCRIBER_G_REQUESTS": 0, "TOTAL_TRANSCRIBER_G_MINUTES": 0,
        "TOTAL_TRANSCRIBER_GGL_MILLIS": 0, "TOTAL_TRANSCRIBER_OCI_MILLIS": 0,
        "TOTAL_TRANSCRIBER_WSP_MILLIS": 0, "TOTAL_TRANSCRIBER_VSK_MILLIS": 0,
        "TOTAL_TRANSCRIBER_STARTED": 0, "TOTAL_TRANSCRIBER_STOPPED": 0, "TOTAL_TRANSCRIBER_FAILED": 0,
        "TOTAL_TRANSCRIBER_CONNECTION_ERRORS": 0, "TOTAL_TRANSCRIBER_CONNECTION_RETRIES": 0,
        "TOTAL_TRANSCRIBER_NO_RESUL_ERRORS": 0, "TOTAL_TRANSCRIBER_SEND_ERRORS": 0,
        "TOTAL_TRANSCRIBER_SESSION_CREATION_ERRORS": 0,
    },
    "shutdown": False,
    "conferences_threshold": 100.0,    # CONFERENCES_THRESHOLD_DEFAULT
    "conference_size_buckets": 22,     # CONFERENCE_SIZE_BUCKETS
}


def java_string_hash(s):
    h = 0
    for ch in s.encode("utf-16-be").decode("utf-16-be"):
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h


def hashmap_order(keys_in_insertion_order, capacity):
    """Iteration order of a java.util.HashMap of String keys with the given table size."""
    def idx(k):
        h = java_string_hash(k)
        return (h ^ (h >> 16)) & (capacity - 1)
    pos = {k: i for i, k in enumerate(keys_in_insertion_order)}
    return sorted(keys_in_insertion_order, key=lambda k: (idx(k), pos[k]))


def table_size_for(n):
    c = 1
    while c < n:
        c *= 2
    return c


def grown_capacity(n):
    """Table size of `new HashMap<>()` after n puts (16, doubled when size > 0.75 * cap)."""
    cap = 16
    while n > cap * 0.75:
        cap *= 2
    return cap


def java_double(d):
    r = repr(float(d))
    if "e" in r or not (1e-3 <= abs(d) < 1e7):
        raise SystemExit("value outside the simple range this script formats: %r" % d)
    return r


def simple_json(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return java_double(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/") + '"'
    if isinstance(v, list):
        return "[" + ",".join(simple_json(x) for x in v) + "]"
    raise TypeError(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("colibri_stats_extension")
    ap.add_argument("--commit", required=True)
    ap.add_argument("--xmpp-ext-commit", default="")
    ap.add_argument("--label", required=True)
    ap.add_argument("--version", default="1.1.411-g5f2bd52")
    ap.add_argument("-o", "--out", default=".")
    a = ap.parse_args()

    stat_src = open(os.path.join(a.src, STATISTICS), encoding="utf-8").read()
    ext_src = open(a.colibri_stats_extension, encoding="utf-8").read()
    consts = {}
    for src in (ext_src, stat_src):
        for m in re.finditer(r'static\s+final\s+String\s+([A-Z_]+)\s*=\s*"([^"]*)"\s*;', src):
            consts[m.group(1)] = m.group(2)

    lines = stat_src.split("\n")
    start = next(i for i, l in enumerate(lines) if "public static synchronized void sendJSON(" in l)
    end = next(i for i in range(start, len(lines)) if "writeJSONString" in lines[i])
    sess_start = next(i for i, l in enumerate(lines) if "private static Map<String, Object> getSessionStats()" in l)
    sess_end = next(i for i in range(sess_start, len(lines)) if "return stats;" in lines[i])

    members = SCENARIO["room_members"]
    conferences = len(members)
    participants = sum(m - 1 for m in members)             # "do not count focus"
    sizes = [0] * SCENARIO["conference_size_buckets"]
    for m in members:
        sizes[min(m - 1, len(sizes) - 1)] += 1

    values = {"CONFERENCES": conferences, "PARTICIPANTS": participants,
              "STRESS_LEVEL": conferences / SCENARIO["conferences_threshold"],
              "CONFERENCE_SIZES": sizes, "THREADS": SCENARIO["threads"],
              "TIMESTAMP": SCENARIO["timestamp"], "SHUTDOWN_IN_PROGRESS": SCENARIO["shutdown"]}
    values.update(SCENARIO["counters"])

    cites = []
    session_keys, all_keys, out = [], [], {}
    for rng, bucket in ((range(sess_start, sess_end), session_keys), (range(start, end), all_keys)):
        for i in rng:
            m = re.search(r"stats\.put\(([A-Z_]+),", lines[i])
            if not m:
                continue
            const = m.group(1)
            key = consts[const]
            bucket.append(key)
            out[key] = values[const]
            cites.append((key, const, i + 1))
    # getSessionStats(): new HashMap, then stats.putAll(...) into sendJSON's new HashMap,
    # then new JSONObject(stats) (HashMap copy constructor) -> iteration order of the copy.
    order = session_keys + all_keys
    cap_outer = grown_capacity(len(order))
    order = hashmap_order(hashmap_order(session_keys, grown_capacity(len(session_keys))) + all_keys, cap_outer)
    copy_cap = table_size_for(int(len(order) / 0.75 + 1.0))
    order = hashmap_order(order, copy_cap)
    body = "{" + ",".join('"%s":%s' % (k, simple_json(out[k])) for k in order) + "}"
    with open(os.path.join(a.out, "about-stats-%s.json" % a.label), "w") as f:
        f.write(body + "\n")

    with open(os.path.join(a.out, "about-stats-keys-%s.md" % a.label), "w") as f:
        f.write("| key | constant | JSON type | put at (jitsi/jigasi @ %s) | constant defined in |\n|---|---|---|---|---|\n"
                % a.commit[:12])
        for key, const, line in cites:
            v = out[key]
            t = ("boolean" if isinstance(v, bool) else "number (integer)" if isinstance(v, int)
                 else "number (float)" if isinstance(v, float) else "array of integers" if isinstance(v, list)
                 else "string")
            m = re.search(r"String\s+%s\s*=" % const, stat_src)
            if m:
                where = "`%s:%d`" % (STATISTICS, stat_src[:m.start()].count("\n") + 1)
            else:
                m = re.search(r"String\s+%s\s*=" % const, ext_src)
                where = "jitsi-xmpp-extensions `ColibriStatsExtension.java:%d`" % (ext_src[:m.start()].count("\n") + 1)
            f.write("| `%s` | `%s` | %s | `%s:%d` | %s |\n" % (key, const, t, STATISTICS, line, where))

    # /about/version: AbstractJSONHandler puts name, version, os into a json-simple JSONObject.
    ver = {"name": "Jigasi", "version": a.version, "os": "Linux"}
    vorder = hashmap_order(["name", "version", "os"], 16)
    with open(os.path.join(a.out, "about-version.json"), "w") as f:
        f.write("{" + ",".join('"%s":%s' % (k, simple_json(ver[k])) for k in vorder) + "}\n")
    print("%d keys; HashMap table %d" % (len(order), copy_cap), file=sys.stderr)


if __name__ == "__main__":
    main()
