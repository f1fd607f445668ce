#!/usr/bin/env python3
"""What Telegraf's inputs.prometheus (metric_version = 1) writes for one scrape, written from Go's source.

A transcription, not a port of this plugin: it follows
  prometheus/common expfmt/text_parse.go @ 076fba3b7b4e2b3b48ebc3e54498dacd9c842afd (the text format state machine),
  influxdata/telegraf plugins/parsers/prometheus/{parser.go,metric_v1.go,common.go} and
  plugins/parsers/openmetrics/{parser.go,textparse.go,metric_v1.go} @ b27263146617cefe16c0b300107b58b111a7fa57,
  prometheus/prometheus model/textparse/openmetricsparse.go @ v0.313.2 (the OpenMetrics rules Telegraf relies on),
  telegraf plugins/serializers/influx/influx.go (float and escape rules).
Standard library only. Usage:
  telegraf_v1.py INPUT --format prometheus|openmetrics [--url URL] [--time NS]
prints the points, one line each, tags sorted, fields sorted, lines sorted (Telegraf builds fields from a Go map
and the text decoder hands families out of a Go map, so neither order is defined); an error goes to stderr and
the exit code is 1 (Telegraf refuses the whole scrape).
"""
import argparse
import math
import re
import struct
import sys
from decimal import Decimal


class ParseError(Exception):
    pass


# ---------------------------------------------------------------- Go number text

def go_parse_float(s):
    """strconv.ParseFloat(s, 64) as expfmt's parseFloat calls it (no p, P or _)."""
    if any(c in s for c in "pP_"):
        raise ParseError("unsupported character in float")
    t = s.lower()
    body = t[1:] if t[:1] in "+-" else t
    if body in ("inf", "infinity"):
        return -math.inf if t.startswith("-") else math.inf
    if body == "nan":
        return math.nan
    if t.startswith(("0x", "+0x", "-0x")):
        raise ParseError("hex float")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", t):
        raise ParseError("invalid float %r" % s)
    return float(t)


def shortest_digits(v):
    """The shortest digits that read back as v (what Go's precision -1 gives), and the decimal point's place."""
    _, digits, exponent = Decimal(repr(abs(v))).as_tuple()
    text = "".join(map(str, digits))
    return text.rstrip("0"), len(text) + exponent


def format_f(v):
    """strconv.FormatFloat(v, 'f', -1, 64)."""
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    d, dp = shortest_digits(v)
    if dp <= 0:
        text = "0." + "0" * (-dp) + d
    elif dp >= len(d):
        text = d + "0" * (dp - len(d))
    else:
        text = d[:dp] + "." + d[dp:]
    return ("-" if v < 0 else "") + text


def format_g(v):
    """strconv.FormatFloat(v, 'g', -1, 64)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    d, dp = shortest_digits(v)
    exp = dp - 1
    sign = "-" if v < 0 else ""
    if exp < -4 or exp >= 6:  # shortest: eprec = 6
        mant = d[0] + ("." + d[1:] if len(d) > 1 else "")
        return "%s%se%s%02d" % (sign, mant, "-" if exp < 0 else "+", abs(exp))
    return sign + format_f(abs(v))


def go_uint64(v):
    """Go's uint64(float64) on amd64 for the values the payloads hold (non-negative, below 2^63)."""
    if math.isnan(v) or v < 0 or v >= 2.0 ** 63:
        raise ParseError("count %r outside [0, 2^63): Go's conversion depends on the CPU" % v)
    return int(v)


# ---------------------------------------------------------------- Prometheus text (expfmt)

UNTYPED, COUNTER, GAUGE, SUMMARY, HISTOGRAM = "untyped", "counter", "gauge", "summary", "histogram"


class TextParser:
    """expfmt.TextParser.TextToMetricFamilies, state for state."""

    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.eof = False
        self.byte = None
        self.line = 0
        self.families = {}  # name -> dict(name, type, help, metrics)
        self.summaries = {}
        self.histograms = {}
        self.mf = None
        self.metric = None
        self.label_pair = None
        self.current_label = []
        self.current_labels = {}
        self.quantile = math.nan
        self.bucket = math.nan
        self.is_count = self.is_sum = False
        self.inside_braces = False
        self.token = ""

    def read(self):
        if self.pos >= len(self.data):
            self.eof = True
            return False
        self.byte = chr(self.data[self.pos])
        self.pos += 1
        return True

    def error(self, msg):
        raise ParseError("text format parsing error in line %d: %s" % (self.line, msg))

    def unexpected_end(self):
        self.error("unexpected end of input stream")

    def skip_blank_tab(self):
        while True:
            if not self.read():
                return False
            if self.byte not in " \t":
                return True

    def parse(self):
        state = self.start_of_line
        while state is not None:
            state = state()
        return {k: mf for k, mf in self.families.items() if mf["metrics"]}

    def start_of_line(self):
        self.line += 1
        self.inside_braces = False
        if not self.skip_blank_tab():
            return None  # EOF at a line start is fine
        if self.byte == "#":
            return self.start_comment
        if self.byte == "\n":
            return self.start_of_line
        if self.byte == "{":
            self.inside_braces = True
            return self.reading_labels
        return self.reading_metric_name

    def start_comment(self):
        if not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte == "\n":
            return self.start_of_line
        self.read_until_whitespace()
        if self.eof:
            self.unexpected_end()
        if self.byte == "\n":
            return self.start_of_line
        keyword = self.token
        if keyword not in ("HELP", "TYPE"):
            while self.byte != "\n":
                if not self.read():
                    self.unexpected_end()
            return self.start_of_line
        if not self.skip_blank_tab():
            self.unexpected_end()
        self.read_metric_name()
        if self.eof:
            self.unexpected_end()
        if self.byte == "\n":
            return self.start_of_line
        if self.byte not in " \t":
            self.error("invalid metric name in comment")
        self.set_or_create_mf()
        if not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte == "\n":
            return self.start_of_line
        return self.reading_help if keyword == "HELP" else self.reading_type

    def reading_metric_name(self):
        self.read_metric_name()
        if self.eof:
            self.unexpected_end()
        if self.token == "":
            self.error("invalid metric name")
        self.set_or_create_mf()
        if self.mf["type"] is None:
            self.mf["type"] = UNTYPED
        self.metric = {"labels": [], "value": None, "timestamp": None}
        if self.byte in " \t" and not self.skip_blank_tab():
            self.unexpected_end()
        return self.reading_labels

    def reading_labels(self):
        if self.mf is not None and self.mf["type"] in (SUMMARY, HISTOGRAM):
            self.current_labels = {"__name__": self.mf["name"]}
            self.quantile = math.nan
            self.bucket = math.nan
        if self.byte != "{":
            return self.reading_value
        return self.start_label_name

    def start_label_name(self):
        if not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte == "}":
            self.metric["labels"] += self.current_label
            self.current_label = []
            if not self.skip_blank_tab():
                self.unexpected_end()
            return self.reading_value
        self.read_label_name()
        if self.eof:
            self.unexpected_end()
        if self.token == "":
            self.error("invalid label name for metric %r" % (self.mf["name"] if self.mf else ""))
        if self.byte in " \t" and not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte != "=":
            if self.inside_braces:
                if self.byte == ",":
                    self.set_or_create_mf()
                    self.metric = {"labels": [], "value": None, "timestamp": None}
                    return self.start_label_name
                if self.byte == "}":
                    self.set_or_create_mf()
                    self.metric = {"labels": list(self.current_label), "value": None, "timestamp": None}
                    self.current_label = []
                    if not self.skip_blank_tab():
                        self.unexpected_end()
                    return self.reading_value
                self.error("unexpected end of metric value %r" % self.byte)
            self.error("expected '=' after label name, found %r" % self.byte)
        name = self.token
        if name == "__name__":
            self.error('label name "__name__" is reserved')
        self.label_pair = [name, None]
        if not (self.mf["type"] == SUMMARY and name == "quantile") and not (self.mf["type"] == HISTOGRAM and name == "le"):
            self.current_label.append(self.label_pair)
        seen = set()
        for n, _ in self.current_label:
            if n in seen:
                self.error("duplicate label names for metric %r" % self.mf["name"])
            seen.add(n)
        return self.start_label_value

    def start_label_value(self):
        if not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte != '"':
            self.error("expected '\"' at start of label value, found %r" % self.byte)
        self.read_label_value()
        value = self.token
        self.label_pair[1] = value
        name = self.label_pair[0]
        if self.mf["type"] == SUMMARY:
            if name == "quantile":
                try:
                    self.quantile = go_parse_float(value)
                except ParseError:
                    self.error("expected float as value for 'quantile' label, got %r" % value)
            else:
                self.current_labels[name] = value
        if self.mf["type"] == HISTOGRAM:
            if name == "le":
                try:
                    self.bucket = go_parse_float(value)
                except ParseError:
                    self.error("expected float as value for 'le' label, got %r" % value)
            else:
                self.current_labels[name] = value
        if not self.skip_blank_tab():
            self.unexpected_end()
        if self.byte == ",":
            return self.start_label_name
        if self.byte == "}":
            self.metric["labels"] += self.current_label
            self.current_label = []
            if not self.skip_blank_tab():
                self.unexpected_end()
            return self.reading_value
        self.error("unexpected end of label value %r" % value)

    def reading_value(self):
        mf = self.mf
        if mf["type"] in (SUMMARY, HISTOGRAM):
            table = self.summaries if mf["type"] == SUMMARY else self.histograms
            signature = tuple(sorted(self.current_labels.items()))
            if signature in table:
                self.metric = table[signature]
            else:
                table[signature] = self.metric
                mf["metrics"].append(self.metric)
        else:
            mf["metrics"].append(self.metric)
        self.read_until_whitespace()
        if self.eof:
            self.unexpected_end()
        try:
            value = go_parse_float(self.token)
        except ParseError:
            self.error("expected float as value, got %r" % self.token)
        m = self.metric
        if mf["type"] in (COUNTER, GAUGE, UNTYPED):
            m["value"] = (mf["type"], value)
        elif mf["type"] == SUMMARY:
            s = m.setdefault("summary", {"count": None, "sum": None, "quantiles": []})
            if self.is_count:
                s["count"] = go_uint64(value)
            elif self.is_sum:
                s["sum"] = value
            elif not math.isnan(self.quantile):
                s["quantiles"].append((self.quantile, value))
        else:
            h = m.setdefault("histogram", {"count": None, "sum": None, "buckets": []})
            if self.is_count:
                h["count"] = go_uint64(value)
            elif self.is_sum:
                h["sum"] = value
            elif not math.isnan(self.bucket):
                h["buckets"].append((self.bucket, go_uint64(value)))
        if self.byte == "\n":
            return self.start_of_line
        return self.start_timestamp

    def start_timestamp(self):
        if not self.skip_blank_tab():
            self.unexpected_end()
        self.read_until_whitespace()
        if self.eof:
            self.unexpected_end()
        if not re.fullmatch(r"[+-]?\d+", self.token) or not -(2 ** 63) <= int(self.token) < 2 ** 63:
            self.error("expected integer as timestamp, got %r" % self.token)
        self.metric["timestamp"] = int(self.token)
        self.read_until_newline(False)
        if self.eof:
            self.unexpected_end()
        if self.token:
            self.error("spurious string after timestamp: %r" % self.token)
        return self.start_of_line

    def reading_help(self):
        if self.mf["help"] is not None:
            self.error("second HELP line for metric name %r" % self.mf["name"])
        self.read_until_newline(True)
        if self.eof:
            self.unexpected_end()
        self.mf["help"] = self.token
        return self.start_of_line

    def reading_type(self):
        if self.mf["type"] is not None:
            self.error("second TYPE line for metric name %r, or TYPE reported after samples" % self.mf["name"])
        self.read_until_newline(False)
        if self.eof:
            self.unexpected_end()
        word = self.token.upper()
        types = {"COUNTER": COUNTER, "GAUGE": GAUGE, "SUMMARY": SUMMARY, "UNTYPED": UNTYPED, "HISTOGRAM": HISTOGRAM,
                 "GAUGE_HISTOGRAM": "gauge_histogram"}
        if word not in types:
            self.error("unknown metric type %r" % self.token)
        self.mf["type"] = types[word]
        return self.start_of_line

    def read_until_whitespace(self):
        self.token = ""
        while not self.eof and self.byte not in " \t\n":
            self.token += self.byte
            self.read()

    def read_until_newline(self, escapes):
        self.token = ""
        escaped = False
        while not self.eof:
            if escapes and escaped:
                if self.byte == "\\":
                    self.token += "\\"
                elif self.byte == "n":
                    self.token += "\n"
                elif self.byte == '"':
                    self.token += '"'
                else:
                    self.error("invalid escape sequence '\\%s'" % self.byte)
                escaped = False
            elif self.byte == "\n":
                return
            elif self.byte == "\\":
                escaped = True
            else:
                self.token += self.byte
            self.read()

    @staticmethod
    def label_start(b):
        return b is not None and (("a" <= b <= "z") or ("A" <= b <= "Z") or b in '_"')

    def read_name(self, start, continuation, stop, what):
        self.token = ""
        quoted = escaped = False
        if not start(self.byte):
            return
        while not self.eof:
            if escaped:
                if self.byte == "\\":
                    self.token += "\\"
                elif self.byte == "n":
                    self.token += "\n"
                elif self.byte == '"':
                    self.token += '\\"'
                else:
                    self.error("invalid escape sequence '\\%s'" % self.byte)
                escaped = False
            elif self.byte == '"':
                quoted = not quoted
                if not quoted:
                    self.read()
                    return
            elif self.byte == "\n":
                self.error("%s %r contains unescaped new-line" % (what, self.token))
            elif self.byte == "\\":
                escaped = True
            else:
                self.token += self.byte
            self.read()
            if self.eof or not continuation(self.byte, quoted) or (not quoted and self.byte == stop):
                return

    def read_metric_name(self):
        start = lambda b: self.label_start(b) or b == ":"
        cont = lambda b, q: self.label_start(b) or ("0" <= b <= "9") or b == ":" or (q and ord(b) < 0x80)
        self.read_name(start, cont, " ", "metric name")

    def read_label_name(self):
        cont = lambda b, q: self.label_start(b) or ("0" <= b <= "9") or (q and ord(b) < 0x80)
        self.read_name(self.label_start, cont, "=", "label name")

    def read_label_value(self):
        self.token = ""
        escaped = False
        raw = bytearray()
        while True:
            if not self.read():
                self.unexpected_end()
            b = self.byte
            if escaped:
                if b in '"\\':
                    raw += b.encode("latin-1")
                elif b == "n":
                    raw += b"\n"
                else:
                    self.error("invalid escape sequence '\\%s'" % b)
                escaped = False
                continue
            if b == '"':
                break
            if b == "\n":
                self.error("label value %r contains unescaped new-line" % raw.decode("utf-8", "replace"))
            if b == "\\":
                escaped = True
            else:
                raw += b.encode("latin-1")
        try:
            self.token = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.error("invalid label value %r" % raw)

    def set_or_create_mf(self):
        self.is_count = self.is_sum = False
        name = self.token
        if name in self.families:
            self.mf = self.families[name]
            return
        is_count = len(name) > 6 and name.endswith("_count")
        is_sum = len(name) > 4 and name.endswith("_sum")
        is_bucket = len(name) > 7 and name.endswith("_bucket")
        summary_name = name[:-6] if is_count else name[:-4] if is_sum else name
        mf = self.families.get(summary_name)
        if mf is not None and mf["type"] == SUMMARY:
            self.mf = mf
            self.is_count, self.is_sum = is_count, is_sum
            return
        histogram_name = name[:-6] if is_count else name[:-4] if is_sum else name[:-7] if is_bucket else name
        mf = self.families.get(histogram_name)
        if mf is not None and mf["type"] == HISTOGRAM:
            self.mf = mf
            self.is_count, self.is_sum = is_count, is_sum
            return
        self.mf = {"name": name, "type": None, "help": None, "metrics": []}
        self.families[name] = self.mf


def prometheus_points(data, now):
    """parsers/prometheus Parse + extractMetricsV1."""
    points = []
    for mf in TextParser(data).parse().values():
        for m in mf["metrics"]:
            t = now
            if m["timestamp"] is not None and m["timestamp"] > 0:
                t = m["timestamp"] * 1_000_000
                if not -(2 ** 63) <= t < 2 ** 63:
                    raise ParseError("timestamp beyond what nanoseconds hold")
            tags = {k: v for k, v in m["labels"] if v != ""}
            if mf["type"] == SUMMARY:
                s = m["summary"]
                fields = {"count": float(s["count"] or 0), "sum": s["sum"] if s["sum"] is not None else 0.0}
                for q, v in s["quantiles"]:
                    if not math.isnan(v):
                        fields[format_g(q)] = v
            elif mf["type"] == HISTOGRAM:
                h = m["histogram"]
                fields = {"count": float(h["count"] or 0), "sum": h["sum"] if h["sum"] is not None else 0.0}
                for bound, count in h["buckets"]:
                    fields[format_g(bound)] = float(count)
            else:
                kind, v = m["value"]
                name = {GAUGE: "gauge", COUNTER: "counter"}.get(kind, "value")
                if math.isnan(v):
                    continue
                fields = {name: v}
            points.append((mf["name"], tags, fields, t))
    return points


# ---------------------------------------------------------------- OpenMetrics text

OM_TYPES = {"counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown"}


def om_unescape(value):
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            n = value[i + 1]
            out.append({'"': '"', "\\": "\\", "n": "\n"}.get(n, "\\" + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)(?: (\S+))?( # \{.*\} \S+(?: \S+)?)?')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def openmetrics_entries(data):
    """The entries prometheus' OpenMetrics parser hands Telegraf: (kind, ...) tuples."""
    if data.startswith(b"\n"):
        data = data[1:]
    if not data.endswith(b"\n"):
        data += b"\n"
    text = data.decode("utf-8")
    lines = text.split("\n")[:-1]
    entries, seen_eof = [], False
    for line in lines:
        if seen_eof:
            raise ParseError("unexpected data after # EOF")
        if line == "# EOF":
            seen_eof = True
            continue
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?", line)
            if not m:
                raise ParseError("expected a valid start token")
            kind, name, rest = m.group(1), m.group(2), m.group(3) or ""
            if kind == "TYPE":
                if rest not in OM_TYPES:
                    raise ParseError('invalid metric type "%s"' % rest)
                entries.append(("type", name, rest))
            elif kind == "UNIT":
                if rest and not name.endswith("_" + rest):
                    raise ParseError('unit "%s" not a suffix of metric "%s"' % (rest, name))
                entries.append(("unit", name, rest))
            else:
                entries.append(("help", name, om_unescape(rest)))
            continue
        m = SAMPLE.fullmatch(line)
        if not m:
            raise ParseError("expected a valid start token")
        name, body, value, ts = m.group(1), m.group(3) or "", m.group(4), m.group(5)
        labels = [(k, om_unescape(v)) for k, v in LABEL.findall(body)]
        v = go_parse_float(value)
        t = None
        if ts is not None:
            t = int(go_parse_float(ts) * 1000)
        entries.append(("series", name, labels, v, t))
    if not seen_eof:
        raise ParseError("data does not end with # EOF")
    return entries


def openmetrics_families(data):
    """plugins/parsers/openmetrics textparse.go TextToMetricFamilies."""
    families = []
    state = {"mf": None, "metric": None, "key": 0, "point": None}

    def new_family(name):
        close_point_and_metric()
        if state["mf"] is not None:
            families.append(state["mf"])
        state["mf"] = {"name": name, "type": "unknown", "unit": "", "metrics": []}
        state["metric"] = {"labels": [], "points": []}
        state["key"] = 0
        state["point"] = {"value": None, "ts": None}

    def close_point_and_metric():
        if state["mf"] is None:
            return
        if state["point"]["value"] is not None:
            state["metric"]["points"].append(state["point"])
        if state["metric"]["points"]:
            state["mf"]["metrics"].append(state["metric"])

    def family_named(name):
        if state["mf"] is None:
            state["mf"] = {"name": name, "type": "unknown", "unit": "", "metrics": []}
            state["metric"] = {"labels": [], "points": []}
            state["key"] = 0
            state["point"] = {"value": None, "ts": None}
        elif state["mf"]["name"] != name:
            new_family(name)

    for entry in openmetrics_entries(data):
        kind = entry[0]
        if kind == "type":
            family_named(entry[1])
            state["mf"]["type"] = entry[2]
        elif kind == "help":
            family_named(entry[1])
        elif kind == "unit":
            family_named(entry[1])
            state["mf"]["unit"] = entry[2]
        else:
            _, sample, labels, value, ts = entry
            if state["mf"] is None:
                family_named(sample)
            mf = state["mf"]
            suffix = (sample[len(mf["name"]):] if sample.startswith(mf["name"]) else sample).lstrip("_")
            series = []
            for k, v in labels:
                if (mf["type"] == "stateset" and k == mf["name"]) or (mf["type"] in ("histogram", "gaugehistogram") and k == "le") \
                        or (mf["type"] == "summary" and k == "quantile"):
                    continue
                series.append((k, v))
            key = tuple(sorted(series)) or None
            if state["key"] != key:
                if state["point"]["value"] is not None:
                    state["metric"]["points"].append(state["point"])
                if state["metric"]["points"]:
                    mf["metrics"].append(state["metric"])
                state["metric"] = {"labels": sorted(series), "points": []}
                state["key"] = key
                state["point"] = {"value": None, "ts": None}
            point_ts = state["point"]["ts"] or 0
            timestamp = ts * 1_000_000 if ts is not None else 0
            if point_ts != timestamp:
                if state["point"]["value"] is not None:
                    state["metric"]["points"].append(state["point"])
                state["point"] = {"value": None, "ts": timestamp if ts is not None else None}
            set_point(state["point"], mf["name"], mf["type"], suffix, value, labels)
    if state["mf"] is not None:
        close_point_and_metric()
        families.append(state["mf"])
    return families


def created_time(value):
    ns = int(value * 1e9)
    return ns // 1_000_000_000, ns % 1_000_000_000


def set_point(point, name, mtype, stype, value, labels):
    """MetricPoint.set."""
    v = point["value"]
    if mtype in ("unknown", "gauge"):
        point["value"] = {"value": value}
    elif mtype == "counter":
        v = v or {"total": None}
        if stype == "total":
            v["total"] = value
        point["value"] = v
    elif mtype == "stateset":
        v = v or {"states": []}
        state = next((val for k, val in labels if k == name), "")
        v["states"].append((state, value > 0))
        point["value"] = v
    elif mtype == "info":
        point["value"] = {"info": True}
    elif mtype in ("histogram", "gaugehistogram"):
        v = v or {"sum": None, "count": 0, "created": None, "buckets": []}
        if stype in ("sum", "gsum"):
            v["sum"] = value
        elif stype in ("count", "gcount"):
            v["count"] = go_uint64(value)
        elif stype == "created":
            v["created"] = created_time(value)
        elif stype == "bucket":
            le = next((val for k, val in labels if k == "le"), "")
            if le == "+Inf":
                bound = math.inf
            else:
                try:
                    bound = float(le)
                except ValueError:
                    bound = math.nan
            v["buckets"].append((bound, go_uint64(value)))
        point["value"] = v
    elif mtype == "summary":
        v = v or {"sum": None, "count": 0, "created": None, "quantiles": []}
        if stype == "sum":
            v["sum"] = value
        elif stype == "count":
            v["count"] = go_uint64(value)
        elif stype == "created":
            v["created"] = created_time(value)
        else:
            q = next((val for k, val in labels if k == "quantile"), "")
            try:
                quantile = sys.float_info.max if q == "+Inf" else float(q)
            except ValueError:
                quantile = math.nan
            v["quantiles"].append((quantile, value))
        point["value"] = v


def openmetrics_points(data, now):
    """plugins/parsers/openmetrics extractMetricsV1."""
    points = []
    for mf in openmetrics_families(data):
        for m in mf["metrics"]:
            t = now
            tags = {k: v for k, v in m["labels"] if v != ""}
            if mf["unit"]:
                tags["unit"] = mf["unit"]
            for p in m["points"]:
                if p["ts"] is not None:
                    t = p["ts"]
                v, mtype = p["value"], mf["type"]
                if mtype in ("unknown", "gauge", "counter"):
                    x = v.get("total") if mtype == "counter" else v["value"]
                    if x is None or math.isnan(x):
                        continue
                    fields = {{"unknown": "value"}.get(mtype, mtype): x}
                elif mtype == "stateset":
                    fields = {s.replace(" ", "_"): on for s, on in v["states"]}
                elif mtype == "info":
                    fields = {"info": ("uint", 1)}
                elif mtype in ("histogram", "gaugehistogram"):
                    fields = {"count": float(v["count"])}
                    if v["sum"] is not None:
                        fields["sum"] = v["sum"]
                    if v["created"] is not None:
                        fields["created"] = float(v["created"][0]) + float(v["created"][1])
                    for bound, count in v["buckets"]:
                        fields[format_g(bound)] = float(count)
                else:
                    fields = {"count": float(v["count"])}
                    if v["sum"] is not None:
                        fields["sum"] = v["sum"]
                    if v["created"] is not None:
                        fields["created"] = float(v["created"][0]) + float(v["created"][1]) / 1e9
                    for q, value in v["quantiles"]:
                        if not math.isnan(value):
                            fields[format_g(q)] = value
                points.append((mf["name"], tags, fields, t))
    return points


# ---------------------------------------------------------------- influx serializer

def escape(text, chars):
    out = text
    for c, e in (("\t", "\\t"), ("\n", "\\n"), ("\f", "\\f"), ("\r", "\\r")):
        out = out.replace(c, e)
    for c in chars:
        out = out.replace(c, "\\" + c)
    return out


def field_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "%du" % value[1]
    if math.isnan(value) or math.isinf(value):
        return None
    return format_f(value)


def serialize(points, url):
    lines = []
    for name, tags, fields, t in points:
        tags = dict(tags)
        tags["url"] = url
        written = []
        for key in sorted(fields):
            text = field_text(fields[key])
            if text is not None:
                written.append("%s=%s" % (escape(key, " ,="), text))
        if not written:
            continue
        tag_text = "".join(",%s=%s" % (escape(k, " ,="), escape(v, " ,=")) for k, v in sorted(tags.items()))
        lines.append("%s%s %s %d" % (escape(name, " ,"), tag_text, ",".join(written), t))
    return sorted(lines)


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("input")
    args.add_argument("--format", choices=["prometheus", "openmetrics"], required=True)
    args.add_argument("--url", default="http://127.0.0.1:8080/metrics")
    args.add_argument("--time", type=int, default=1_700_000_000_000_000_000)
    a = args.parse_args()
    with open(a.input, "rb") as f:
        data = f.read()
    try:
        points = prometheus_points(data, a.time) if a.format == "prometheus" else openmetrics_points(data, a.time)
    except ParseError as e:
        print(e, file=sys.stderr)
        return 1
    for line in serialize(points, a.url):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
