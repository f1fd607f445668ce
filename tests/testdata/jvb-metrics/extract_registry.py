#!/usr/bin/env python3
"""Extract the Prometheus metric registry of a Jitsi Videobridge source tree.

Scans the Kotlin and Java sources under ``jvb/src/main`` and
``jitsi-media-transform/src/main`` of a jitsi-videobridge checkout for calls of
the jicoco ``MetricsContainer`` registration methods (``.registerCounter(``,
``.registerLongGauge(`` ...) and writes one JSON document listing, per call, the
name argument, the metric type, the help text, the source location and the
name under which the bridge exposes it on ``/metrics``.

The exposed name is ``<namespace>_<name>``, where the namespace is the one the
container class passes to ``MetricsContainer(namespace = ...)`` (found in the
same scanned sources).  Counters get a ``_total`` suffix unless the name
already ends in it: jicoco's ``MetricsContainer.registerCounter`` appends it,
and the Prometheus simpleclient counter then exposes ``<family>_total``.

Standard library only.  Usage:

    extract_registry.py SRC_DIR [--repo R] [--commit SHA] [--tag TAG] [--ref REF] [-o OUT]
"""

import argparse
import json
import os
import re
import sys

SCAN_DIRS = ("jvb/src/main", "jitsi-media-transform/src/main")
EXTENSIONS = (".kt", ".java")

# Registration method -> metric type.
METHODS = {
    "registerCounter": "counter",
    "registerGauge": "gauge",
    "registerLongGauge": "long gauge",
    "registerDoubleGauge": "double gauge",
    "registerBooleanMetric": "boolean",
    "registerHistogram": "histogram",
    "registerInfo": "info",
}

# jicoco MetricsContainer's default namespace when a subclass passes none.
DEFAULT_NAMESPACE = "jitsi"

CALL_RE = re.compile(r"\.\s*(" + "|".join(METHODS) + r")\s*\(")
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def blank_comments(src):
    """Return src with comments replaced by spaces (newlines kept), string-aware."""
    out = list(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith('"""', i):
            j = src.find('"""', i + 3)
            j = n if j < 0 else j + 3
            while j < n and src[j] == '"':
                j += 1
            i = j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def split_args(src, start):
    """Parse the argument list starting just after '(' at index start.

    Returns (list of argument strings, index after the closing ')')."""
    args, depth, i, n, cur_start = [], 0, start, len(src), start
    while i < n:
        c = src[i]
        if src.startswith('"""', i):
            j = src.find('"""', i + 3)
            j = n if j < 0 else j + 3
            while j < n and src[j] == '"':
                j += 1
            i = j
            continue
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                last = src[cur_start:i].strip()
                if last or args:
                    args.append(last)
                return args, i + 1
            depth -= 1
        elif c == "," and depth == 0:
            args.append(src[cur_start:i].strip())
            cur_start = i + 1
        i += 1
    raise ValueError("unterminated argument list")


def unescape(body):
    def rep(m):
        e = m.group(1)
        table = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "$": "$", "b": "\b"}
        if e.startswith("u"):
            return chr(int(e[1:], 16))
        return table.get(e, "\\" + e)
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", rep, body)


STRING_TOKEN_RE = re.compile(r'\s*(?:"""(.*?)"""|"((?:[^"\\\n]|\\.)*)")\s*', re.S)


def split_plus(expr):
    """Split an expression on top-level '+' (outside strings and brackets)."""
    parts, depth, i, n, s = [], 0, 0, len(expr), 0
    while i < n:
        c = expr[i]
        if expr.startswith('"""', i):
            j = expr.find('"""', i + 3)
            i = n if j < 0 else j + 3
            continue
        if c == '"':
            j = i + 1
            while j < n and expr[j] != '"':
                j += 2 if expr[j] == "\\" else 1
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "+" and depth == 0:
            parts.append(expr[s:i].strip())
            s = i + 1
        i += 1
    parts.append(expr[s:].strip())
    return parts


class FileContext:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.clean = blank_comments(text)
        self.line_starts = [0]
        for m in re.finditer("\n", text):
            self.line_starts.append(m.end())
        # Simple string constants declared in this file:
        #   Kotlin: [const] val NAME = "..."   Java: [static] final String NAME = "...";
        self.constants = {}
        for m in re.finditer(
            r'\b(?:const\s+)?val\s+([A-Za-z_]\w*)\s*(?::\s*String\s*)?=\s*("(?:[^"\\\n]|\\.)*")\s*(?:\n|;|$)',
            self.clean,
        ):
            self.constants.setdefault(m.group(1), m.group(2))
        for m in re.finditer(
            r'\bfinal\s+String\s+([A-Za-z_]\w*)\s*=\s*("(?:[^"\\\n]|\\.)*")\s*;', self.clean
        ):
            self.constants.setdefault(m.group(1), m.group(2))
        self.declared_types = set(
            re.findall(r"\b(?:class|object|interface|enum\s+class)\s+([A-Za-z_]\w*)", self.clean)
        )
        self.declared_types.add("Companion")

    def line_of(self, index):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def resolve(self, expr, seen=None, bindings=None):
        """Resolve a string expression. Returns (value or None, how).

        bindings maps constructor parameter names to literal values; used to expand
        string templates ($p, ${p}) and bare parameter references."""
        seen = seen or set()
        bindings = bindings or {}
        expr = expr.strip()
        parts = split_plus(expr)
        if len(parts) > 1:
            values = []
            for p in parts:
                v, _ = self.resolve(p, seen, bindings)
                if v is None:
                    return None, "unresolved"
                values.append(v)
            return "".join(values), "concatenation"
        m = STRING_TOKEN_RE.fullmatch(expr)
        if m:
            if m.group(1) is not None:
                body = m.group(1)
                if "$" in body:
                    return None, "template"
                return body, "literal"
            body = m.group(2)
            if bindings:
                def sub(t):
                    key = t.group(1) or t.group(2)
                    return bindings[key] if key in bindings else t.group(0)
                body = re.sub(r"(?<!\\)\$(?:\{\s*([A-Za-z_]\w*)\s*\}|([A-Za-z_]\w*))", sub, body)
            if re.search(r"(?<!\\)\$[{A-Za-z_]", body):
                return None, "template"
            return unescape(body), "literal" if "$" not in m.group(2) else "template with constructor argument"
        if expr in bindings:
            return bindings[expr], "constructor argument"
        if re.fullmatch(r"[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)*", expr):
            segs = [s.strip() for s in expr.split(".")]
            name = segs[-1]
            # Qualified names are resolved only when every qualifier is a type declared in this file.
            if all(q in self.declared_types for q in segs[:-1]) and name in self.constants and name not in seen:
                v, _ = self.resolve(self.constants[name], seen | {name})
                if v is not None:
                    return v, "constant " + name
        return None, "unresolved"


def strip_named(arg):
    m = re.match(r"([A-Za-z_]\w*)\s*=(?!=)\s*(.*)\Z", arg, re.S)
    if m:
        return m.group(1), m.group(2).strip()
    return None, arg


def receiver_before(clean, dot_index):
    """The receiver expression (dotted identifier chain) before the '.' at dot_index."""
    head = clean[max(0, dot_index - 400):dot_index]
    m = re.search(r"([A-Za-z_]\w*(?:\s*[?!]*\s*\.\s*[A-Za-z_]\w*)*)\s*[?!]*\s*\Z", head)
    return re.sub(r"\s+", "", m.group(1)) if m else ""


def find_containers(files):
    """Classes extending MetricsContainer and the namespace they pass."""
    containers = {}
    for ctx in files:
        for m in re.finditer(
            r"\bclass\s+([A-Za-z_]\w*)[^{]*?:\s*MetricsContainer\s*\(", ctx.clean
        ):
            args, _ = split_args(ctx.clean, m.end())
            namespace, how = DEFAULT_NAMESPACE, "jicoco default"
            positional = []
            for a in args:
                key, val = strip_named(a)
                if key == "namespace":
                    namespace, how = ctx.resolve(val)
                    if namespace is None:
                        namespace, how = None, "unresolved: " + val
                elif key is None:
                    positional.append(val)
            if len(positional) >= 2 and not any(strip_named(a)[0] == "namespace" for a in args):
                namespace, how = ctx.resolve(positional[1])
            containers[m.group(1)] = {
                "class": m.group(1),
                "namespace": namespace,
                "namespace_source": how,
                "file": ctx.path,
                "line": ctx.line_of(m.start()),
            }
    return containers


def container_of(receiver, ctx, containers):
    names = set(re.findall(r"[A-Za-z_]\w*", receiver))
    for cls in containers:
        if cls in names:
            return cls
    first = receiver.split(".")[0] if receiver else ""
    for cls in containers:
        # import ...Container.Companion.instance as alias
        if re.search(r"^\s*import\s+[\w.]*\b" + cls + r"\b[\w.]*\s+as\s+" + re.escape(first) + r"\s*$",
                     ctx.clean, re.M):
            return cls
        # val alias = Container.instance  /  Container alias = Container.getInstance();
        if re.search(r"\b" + re.escape(first) + r"\s*(?::\s*\w+\s*)?=\s*" + cls + r"\b", ctx.clean):
            return cls
    return None


CLASS_RE = re.compile(
    r"\bclass\s+([A-Za-z_]\w*)\s*(?:<[^>{]*>\s*)?(?:(?:private|internal|public|protected)\s+)?"
    r"(?:@\w+\s+)*(?:constructor\s*)?\(")


def enclosing_constructor(ctx, index):
    """(class name, [parameter names]) of the last Kotlin class declared before index, or None."""
    last = None
    for m in CLASS_RE.finditer(ctx.clean, 0, index):
        last = m
    if last is None:
        return None
    params, _ = split_args(ctx.clean, last.end())
    names = []
    for prm in params:
        pm = re.match(r"(?:@\w+\s+)*(?:(?:private|internal|public|protected|override)\s+)*(?:va[lr]\s+)?"
                      r"([A-Za-z_]\w*)\s*:", prm)
        names.append(pm.group(1) if pm else None)
    return last.group(1), names


def instantiations(files, cls, params):
    """Yield (bindings, site) for each call C(...) whose arguments resolve to strings."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(cls) + r"\s*\(")
    for ctx in files:
        for m in pattern.finditer(ctx.clean):
            before = ctx.clean[max(0, m.start() - 20):m.start()]
            if re.search(r"\b(class|fun)\s+\Z", before):
                continue
            args, _ = split_args(ctx.clean, m.end())
            bindings, pos = {}, 0
            for a in args:
                key, val = strip_named(a)
                if key is None:
                    key = params[pos] if pos < len(params) else None
                    pos += 1
                v, _ = ctx.resolve(val)
                if key and v is not None:
                    bindings[key] = v
            yield bindings, ctx.path + ":" + str(ctx.line_of(m.start()))


TYPE_DECL_RE = re.compile(
    r"\b(?:(companion)\s+object(?:\s+([A-Za-z_]\w*))?|(?:class|object|interface)\s+([A-Za-z_]\w*))")


def type_scopes(ctx):
    """(start, end, owner) for every class, object or companion body in the file.

    A companion's owner is the class around it, so that ``Owner.property`` in other
    files names a companion property the way Kotlin lets them."""
    scopes = []
    clean = ctx.clean
    for m in TYPE_DECL_RE.finditer(clean):
        # A body opens with "{" after the constructor and supertypes; a declaration without one
        # (a data class on its own) ends at the first newline outside brackets.
        i, depth, brace = m.end(), 0, -1
        while i < len(clean):
            c = clean[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == "{" and depth <= 0:
                brace = i
                break
            elif c == "\n" and depth <= 0 and not re.match(r"\s*[:,{]", clean[i:]) \
                    and not re.search(r"[:,]\s*\Z", clean[m.end():i]):
                break
            i += 1
        if brace < 0:
            continue
        depth, i = 0, brace
        while i < len(clean):
            c = clean[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        scopes.append((brace, i, m.group(3), m.group(1) is not None))
    return scopes


def owner_at(ctx, scopes, index):
    """The type that owns a declaration at index: the innermost class or object, a companion's outer class."""
    inner = [s for s in scopes if s[0] < index < s[1]]
    inner.sort(key=lambda s: s[0])
    owner = None
    for _, _, name, companion in inner:
        if not companion:
            owner = name
    return owner


def property_before(clean, call_start):
    """The property a registration is assigned to: ``val x = receiver.registerX(`` or Java ``T x = ...``."""
    head = clean[max(0, call_start - 300):call_start]
    m = re.search(r"\b(?:va[lr]|final\s+\w+(?:<[^>]*>)?)\s+([A-Za-z_]\w*)\s*(?::\s*[\w.<>?, ]+)?=\s*"
                  r"[A-Za-z_][\w.?!\s]*\Z", head)
    return m.group(1) if m else None


NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def buckets_of(ctx, expressions):
    """Histogram bucket bounds from the arguments after name and help, or None when they are not plain.

    Understands number literals and a spread ``*name`` of a ``val name =`` in the same file written as
    ``(A..B).map { ... }``, ``listOf(...)`` or ``doubleArrayOf(...)``."""
    bounds = []
    for expr in expressions:
        expr = " ".join(expr.split())
        if NUMBER_RE.fullmatch(expr):
            bounds.append(float(expr))
            continue
        m = re.fullmatch(r"\*\s*([A-Za-z_]\w*)", expr)
        if not m:
            return None
        d = re.search(r"\bval\s+" + m.group(1) + r"\s*(?::[^=]+)?=\s*", ctx.clean)
        if not d:
            return None
        rest = ctx.clean[d.end():d.end() + 400]
        r = re.match(r"\(\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\)", rest)
        if r:
            bounds.extend(float(v) for v in range(int(r.group(1)), int(r.group(2)) + 1))
            continue
        r = re.match(r"(?:listOf|doubleArrayOf|arrayOf)\s*\(", rest)
        if not r:
            return None
        items, _ = split_args(rest, r.end())
        if not all(NUMBER_RE.fullmatch(i.strip()) for i in items):
            return None
        bounds.extend(float(i) for i in items)
    return bounds


def extract(root):
    files = []
    for d in SCAN_DIRS:
        base = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith(EXTENSIONS):
                    full = os.path.join(dirpath, f)
                    with open(full, encoding="utf-8", errors="replace") as fh:
                        files.append(FileContext(os.path.relpath(full, root).replace(os.sep, "/"), fh.read()))
    containers = find_containers(files)
    entries, problems = [], []
    for ctx in files:
        scopes = type_scopes(ctx)
        for m in CALL_RE.finditer(ctx.clean):
            method = m.group(1)
            line = ctx.line_of(m.start(1))
            try:
                args, _ = split_args(ctx.clean, m.end())
            except ValueError:
                problems.append({"file": ctx.path, "line": line, "method": method, "problem": "unparsed call"})
                continue
            name_expr = help_expr = None
            positional = []
            for a in args:
                key, val = strip_named(a)
                if key == "name":
                    name_expr = val
                elif key in ("help", "description"):
                    help_expr = val
                elif key is None:
                    positional.append(val)
            if name_expr is None and positional:
                name_expr = positional.pop(0)
            if help_expr is None and positional:
                help_expr = positional.pop(0)
            receiver = receiver_before(ctx.clean, m.start())
            cls = container_of(receiver, ctx, containers)
            namespace = containers[cls]["namespace"] if cls else None
            variants = [({}, None)]
            if name_expr and ctx.resolve(name_expr)[0] is None:
                # The name may come from a constructor parameter of the enclosing class:
                # expand it once per instantiation with literal arguments.
                enc = enclosing_constructor(ctx, m.start())
                if enc and any(p and re.search(r"\b" + p + r"\b", name_expr) for p in enc[1]):
                    found = [(b, site) for b, site in instantiations(files, enc[0], enc[1])
                             if ctx.resolve(name_expr, bindings=b)[0] is not None]
                    if found:
                        variants = found
            for bindings, site in variants:
                entry = make_entry(ctx, method, line, name_expr, help_expr, receiver, cls,
                                   namespace, bindings, site, problems)
                entry["owner"] = owner_at(ctx, scopes, m.start())
                entry["property"] = property_before(ctx.clean, m.start())
                if method == "registerHistogram":
                    entry["buckets"] = buckets_of(ctx, positional)
                entries.append(entry)
    entries.sort(key=lambda e: (e["exposed_name"] is None, e["exposed_name"] or "", e["file"], e["line"]))
    seen, duplicates = {}, []
    for e in entries:
        if e["exposed_name"]:
            if e["exposed_name"] in seen:
                duplicates.append({"exposed_name": e["exposed_name"], "at": [seen[e["exposed_name"]],
                                                                             e["file"] + ":" + str(e["line"])]})
            else:
                seen[e["exposed_name"]] = e["file"] + ":" + str(e["line"])
    return containers, entries, problems, duplicates


def make_entry(ctx, method, line, name_expr, help_expr, receiver, cls, namespace, bindings, site, problems):
    name, name_how = ctx.resolve(name_expr, bindings=bindings) if name_expr else (None, "missing")
    help_text, _ = ctx.resolve(help_expr, bindings=bindings) if help_expr else (None, "missing")
    if site:
        name_how += " (instantiated at " + site + ")"
    mtype = METHODS[method]
    entry = {
        "name_expression": name_expr,
        "name": name,
        "name_resolution": name_how,
        "type": mtype,
        "method": method,
        "help": help_text if help_text is not None else None,
        "help_expression": None if help_text is not None else help_expr,
        "receiver": receiver,
        "container": cls,
        "file": ctx.path,
        "line": line,
        "exposed_name": None,
        "exposed_samples": None,
    }
    if name is not None and namespace is not None:
        registered = name
        if mtype == "counter" and not name.endswith("_total"):
            registered = name + "_total"
        exposed = namespace + "_" + registered
        entry["registered_name"] = registered
        entry["exposed_name"] = exposed
        if mtype == "histogram":
            entry["exposed_samples"] = [exposed + s for s in ("_bucket", "_count", "_sum")]
        elif mtype == "info":
            entry["exposed_samples"] = [exposed + "_info"]
        else:
            entry["exposed_samples"] = [exposed]
    else:
        entry["registered_name"] = None
        reasons = []
        if name is None:
            reasons.append("name not resolved (" + name_how + "): " + str(name_expr))
        if cls is None:
            reasons.append("receiver not a known MetricsContainer: " + receiver)
        problems.append({"file": ctx.path, "line": line, "method": method,
                         "problem": "; ".join(reasons)})
    return entry


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source", help="jitsi-videobridge source checkout")
    p.add_argument("--repo", default="https://github.com/jitsi/jitsi-videobridge")
    p.add_argument("--commit", default=None, help="full commit SHA of the checkout")
    p.add_argument("--tag", default=None, help="tag naming the commit, if any")
    p.add_argument("--ref", default=None, help="branch or tag the commit was taken from")
    p.add_argument("-o", "--output", default=None, help="output file (default: stdout)")
    a = p.parse_args(argv)
    containers, entries, problems, duplicates = extract(a.source)
    counts = {}
    for e in entries:
        counts[e["type"]] = counts.get(e["type"], 0) + 1
    doc = {
        "repo": a.repo,
        "commit": a.commit,
        "tag": a.tag,
        "ref": a.ref if a.ref is not None else a.tag,
        "scanned": list(SCAN_DIRS),
        "extracted_by": "tests/testdata/jvb-metrics/extract_registry.py (static scan of the source, "
                        "not captured from a running bridge)",
        "containers": sorted(containers.values(), key=lambda c: c["class"]),
        "count": len(entries),
        "count_by_type": dict(sorted(counts.items())),
        "unresolved": problems,
        "duplicates": duplicates,
        "entries": entries,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    print("%d registrations, %d unresolved, %d duplicates" % (len(entries), len(problems), len(duplicates)),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
