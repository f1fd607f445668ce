#!/usr/bin/env python3
"""Write the /metrics answer of a Jitsi Videobridge for the state of a /colibri/stats document.

Inputs are the files the two extractors in this folder wrote for one JVB commit:
the registry (every metric the bridge registers, ``extract_registry.py``) and the
shim (which metric feeds which /colibri/stats key, ``extract_shim.py``); and a
/colibri/stats document giving the state.

- Every registered family with a resolved name is written (the region info,
  registered only when a region is configured and named by a constant of
  another library, is not).
- A metric that feeds a colibri key holds the value the key has in the
  document, converted back the way the shim converts it: a boolean metric holds
  1 or 0; a bit rate the shim divides by 1000 holds the kilobits times 1000 plus
  a remainder below 1000 (which the division drops), so a reader that forgets
  to truncate is caught.
- Every other family holds a value drawn from a generator seeded with its
  name: repeatable, and no one picked it (in a plausible range: bytes and heap
  sizes in MiB steps; the conferences_by_* histograms observe one size per
  current conference, as the bridge observes them at each update).
- The text is what jicoco's MetricsContainer serves for
  ``Accept: text/plain; version=0.0.4``: Prometheus simpleclient 0.16.0's
  ``TextFormat.write004``: a counter's HELP and TYPE name end in ``_total``;
  histograms list their buckets with ``+Inf`` then ``_count`` and ``_sum``;
  values and bounds are Java's ``Double.toString``; labels end with a comma
  (``{le="1.0",}``); the ``_created`` samples of counters and histograms follow
  the families as gauges of their own, ordered by name.  Families are written
  in the order of the source files and lines that register them (the bridge's
  registry hands them out in hash order, which no reader may depend on).

With ``--colibri-out`` the script instead starts from the shim alone: it writes
a /colibri/stats document for a busy bridge (the numbers below, zero for what
they leave out, keys in the shim's order, with the types the shim's values have) and the matching /metrics.
That is how a commit with no captured /colibri/stats gets both halves.

Standard library only.  Usage:

    make_fixtures.py REGISTRY SHIM --colibri STATS_JSON -o METRICS_TXT
    make_fixtures.py REGISTRY SHIM --colibri-out STATS_JSON --version V --timestamp T -o METRICS_TXT
"""

import argparse
import datetime
import decimal
import json
import random
import sys

UPTIME_MS = 3_600_000  # the bridge started an hour before the document's current_timestamp

# A busy bridge, for commits without a captured /colibri/stats: two conferences, six endpoints, media flowing.
BUSY = {
    "bit_rate_download": 2846, "bit_rate_upload": 5127, "packet_rate_download": 412, "packet_rate_upload": 733,
    "incoming_loss": 0.0125, "outgoing_loss": 0.003, "overall_loss": 0.0071, "rtt_aggregate": 41.5,
    "conferences": 2, "largest_conference": 4, "endpoints": 6, "participants": 6, "local_endpoints": 6,
    "local_active_endpoints": 5, "endpoints_sending_audio": 4, "endpoints_sending_video": 3,
    "receive_only_endpoints": 1, "inactive_endpoints": 1, "stress_level": 0.0837, "threads": 63,
    "total_conferences_created": 17, "total_conferences_completed": 15, "total_participants": 58,
    "total_conference_seconds": 40213, "total_ice_succeeded": 61, "total_ice_failed": 2,
    "endpoints_ice_failed": 2, "dtls_failed_endpoints": 1, "relays_ice_failed": 0, "dtls_failed_relays": 0,
    "tcc_unmatched_feedback": 3, "endpoints_disconnected": 4, "endpoints_reconnected": 3,
    "muc_clients_configured": 1, "muc_clients_connected": 1, "mucs_configured": 1, "mucs_joined": 1,
    "healthy": True, "graceful_shutdown": False, "shutting_down": False, "drain": False,
    "total_bytes_received": 81234567, "total_bytes_sent": 152345678, "total_packets_received": 98765,
    "total_packets_sent": 187654, "total_data_channel_messages_received": 1209,
    "total_data_channel_messages_sent": 1957, "total_colibri_web_socket_messages_received": 2104,
    "total_colibri_web_socket_messages_sent": 2377, "total_dominant_speaker_changes": 44,
    "total_keyframes_received": 93, "total_layering_changes_received": 27,
    "total_video_stream_milliseconds_received": 3456789, "preemptive_kfr_sent": 5, "endpoints_with_high_outgoing_loss": 1,
}


def java_double(x):
    """Java's Double.toString (JDK 19+: the shortest digits that read back to x)."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if str(x).startswith("-") else "0.0"
    sign = "-" if x < 0 else ""
    d = decimal.Decimal(repr(abs(x)))
    digits = d.as_tuple().digits
    exponent = d.adjusted()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    if 1e-3 <= abs(x) < 1e7:
        if exponent >= 0:
            whole = text[:exponent + 1].ljust(exponent + 1, "0")
            frac = text[exponent + 1:] or "0"
        else:
            whole = "0"
            frac = "0" * (-exponent - 1) + text
        return sign + whole + "." + frac
    return sign + text[0] + "." + (text[1:] or "0") + "E" + str(exponent)


def go_double(x):
    """simpleclient's Collector.doubleToGoString: Java's form, with Go's names for the infinities."""
    if x == float("inf"):
        return "+Inf"
    if x == float("-inf"):
        return "-Inf"
    return java_double(x)


def escape_help(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def startup_ms(colibri):
    """The bridge's start, an hour before the document's current_timestamp (UTC, as the shim formats it)."""
    stamp = datetime.datetime.strptime(colibri["current_timestamp"], "%Y-%m-%d %H:%M:%S.%f")
    return int(stamp.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000) - UPTIME_MS


def drawn(name, kind, started):
    rng = random.Random(name)
    if kind == "counter":
        return float(rng.randrange(0, 5000))
    if kind == "double gauge":
        return round(rng.uniform(0, 1), 4)
    if kind == "boolean":
        return 0.0
    if name.endswith("startup_time"):
        return float(started)
    if "heap" in name or "bytes" in name:
        return float(rng.randrange(64, 1024) * 1048576)
    return float(rng.randrange(0, 200))


def metric_values(shim, colibri):
    """Value of each metric that feeds a colibri key, from the document; one metric feeding two keys must agree."""
    values = {}
    for k in shim["keys"]:
        if not k["metric"] or k["key"] not in colibri:
            continue
        v = colibri[k["key"]]
        conv = k["conversion"]
        if conv == "boolean":
            if not isinstance(v, bool):
                raise SystemExit("%s: a boolean metric, but the document holds %r" % (k["key"], v))
            value = 1.0 if v else 0.0
        elif conv == "kilobits_truncated":
            value = float(int(v) * 1000 + random.Random(k["metric"]).randrange(1, 1000))
            if int(value) // 1000 != int(v):
                raise SystemExit("bad conversion for " + k["key"])
        elif conv == "same":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise SystemExit("%s: not a number in the document: %r" % (k["key"], v))
            value = float(v)
        else:
            raise SystemExit("%s: conversion %s is not supported" % (k["key"], conv))
        if k["metric"] in values and conv != "kilobits_truncated" and values[k["metric"]] != value:
            raise SystemExit("%s feeds two keys with different values" % k["metric"])
        values.setdefault(k["metric"], value)
    return values


def busy_colibri(shim, version, timestamp):
    doc = {}
    for k in shim["keys"]:
        key = k["key"]
        if any(g["kind"] == "if" for g in k["guards"]) or (k["guards"] and k["value_expression"] == "it"):
            continue  # relay id, release: only when configured
        if key == "region":
            continue  # only when a region is configured
        if key == "version":
            doc[key] = version
        elif key == "current_timestamp":
            doc[key] = timestamp
        elif key == "average_participant_stress":
            doc[key] = 0.01  # videobridge.load-management.average-participant-stress, jvb/src/main/resources/reference.conf
        elif key in BUSY:
            doc[key] = BUSY[key]
        elif k["conversion"] == "boolean":
            doc[key] = False
        elif k["metric_type"] == "double gauge":
            doc[key] = 0.0
        else:
            doc[key] = 0  # no relays, visitors or oversending on this bridge
    return doc


def write_metrics(registry, values, started):
    entries = [e for e in registry["entries"] if e.get("exposed_name")]
    entries.sort(key=lambda e: (e["file"], e["line"]))
    out, created = [], {}
    for e in entries:
        name = e["exposed_name"]
        help_text = escape_help(e["help"] or "")
        kind = e["type"]
        if kind == "counter":
            family = name[:-len("_total")]
            out.append("# HELP %s %s" % (name, help_text))
            out.append("# TYPE %s counter" % name)
            out.append("%s %s" % (name, go_double(values.get(name, drawn(name, kind, started)))))
            created[family + "_created"] = help_text
        elif kind == "histogram":
            bounds = e.get("buckets")
            if bounds is None:
                raise SystemExit("buckets of %s not resolved" % name)
            rng = random.Random(name)
            if "_conferences_by_" in name:
                # Observed afresh at every update, one observation per current conference.
                n = int(values.get(name.split("_conferences_by_")[0] + "_conferences", 0))
                top = values.get(name.split("_conferences_by_")[0] + "_largest_conference", 0.0)
                observations = [float(rng.randint(1, max(1, int(top)))) for _ in range(n)]
            else:
                n = rng.randrange(5, 400)
                top = bounds[-1] if bounds else 1.0
                observations = [float(round(rng.uniform(bounds[0] if bounds else 0.0, top * 1.2))) for _ in range(n)]
            out.append("# HELP %s %s" % (name, help_text))
            out.append("# TYPE %s histogram" % name)
            for b in bounds + [float("inf")]:
                count = sum(1 for o in observations if o <= b)
                out.append('%s_bucket{le="%s",} %s' % (name, go_double(b), go_double(float(count))))
            out.append("%s_count %s" % (name, go_double(float(n))))
            out.append("%s_sum %s" % (name, go_double(float(sum(observations)))))
            created[name + "_created"] = help_text
        elif kind == "info":
            raise SystemExit("info metrics with a resolved name are not supported: " + name)
        else:
            out.append("# HELP %s %s" % (name, help_text))
            out.append("# TYPE %s gauge" % name)
            out.append("%s %s" % (name, go_double(values.get(name, drawn(name, kind, started)))))
    for name in sorted(created):
        out.append("# HELP %s %s" % (name, created[name]))
        out.append("# TYPE %s gauge" % name)
        out.append("%s %s" % (name, go_double(started / 1000.0)))
    unused = set(values) - {e["exposed_name"] for e in entries}
    if unused:
        raise SystemExit("metrics of the shim not in the registry: " + ", ".join(sorted(unused)))
    return "\n".join(out) + "\n"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("registry")
    p.add_argument("shim")
    p.add_argument("--colibri", help="a /colibri/stats document of the same commit")
    p.add_argument("--colibri-out", help="write a /colibri/stats document for a busy bridge here")
    p.add_argument("--version", help="the version key of the written document")
    p.add_argument("--timestamp", help="the current_timestamp key of the written document")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    with open(a.registry, encoding="utf-8") as fh:
        registry = json.load(fh)
    with open(a.shim, encoding="utf-8") as fh:
        shim = json.load(fh)
    if registry["commit"] != shim["commit"]:
        raise SystemExit("registry and shim are of different commits")
    if (a.colibri is None) == (a.colibri_out is None):
        raise SystemExit("give exactly one of --colibri and --colibri-out")
    if a.colibri:
        with open(a.colibri, encoding="utf-8") as fh:
            colibri = json.load(fh)
        missing = sorted(set(colibri) - {k["key"] for k in shim["keys"]})
        if missing:
            raise SystemExit("keys of the document the shim does not write: " + ", ".join(missing))
    else:
        colibri = busy_colibri(shim, a.version, a.timestamp)
        with open(a.colibri_out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(json.dumps(colibri, indent=2) + "\n")
    text = write_metrics(registry, metric_values(shim, colibri), startup_ms(colibri))
    with open(a.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print("%d lines" % text.count("\n"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
