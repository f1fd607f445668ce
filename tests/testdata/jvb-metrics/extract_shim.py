#!/usr/bin/env python3
"""Extract which metric feeds each key of a Jitsi Videobridge's /colibri/stats.

Since 2.3 the bridge builds /colibri/stats in ``VideobridgeStatisticsShim.getStats()``
from its Prometheus metrics: one ``put(KEY, VALUE)`` per key.  This script reads
that function from a jitsi-videobridge source tree and, for every ``put``:

- resolves KEY: a string literal, or a constant of jitsi-xmpp-extensions'
  ``ColibriStatsExtension`` (its source file is given on the command line);
- resolves VALUE to the metric it reads, through the registry that
  ``extract_registry.py`` wrote for the same tree: ``Owner.property.get()``
  (also ``Owner.INSTANCE?.property?.let { put(KEY, it.get()) }``) is the
  registration assigned to ``property`` inside ``Owner``;  a plain function call
  ``Cls.fn()`` resolves to a metric when the source copies ``fn()`` into a
  registered gauge (``Owner.property.set(fn()...)``);
- records how the value is converted: ``/ 1000`` on a long gauge drops the
  remainder (Kotlin Long division); a boolean metric gives a JSON boolean;
- records a condition (``if (...)`` or ``?.let``) that guards the put.

Keys whose value is not a metric (strings, configuration values) get
``metric: null`` and the expression, so a reader can see why.

Standard library only.  Usage:

    extract_shim.py SRC_DIR COLIBRI_STATS_EXTENSION_JAVA REGISTRY_JSON [-o OUT] [--xmpp-extensions-commit SHA]
"""

import argparse
import importlib.util
import json
import os
import re
import sys

SHIM = "jvb/src/main/kotlin/org/jitsi/videobridge/stats/VideobridgeStatisticsShim.kt"

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("extract_registry", os.path.join(_here, "extract_registry.py"))
registry_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(registry_tool)


def java_constants(path):
    with open(path, encoding="utf-8") as fh:
        text = registry_tool.blank_comments(fh.read())
    return {m.group(1): m.group(2) for m in
            re.finditer(r'\bstatic\s+final\s+String\s+([A-Z_][A-Z0-9_]*)\s*=\s*"([^"\\]*)"\s*;', text)}


def function_body(clean, name):
    m = re.search(r"\bfun\s+" + name + r"\s*\(", clean)
    if not m:
        raise SystemExit("no function " + name + " in the shim")
    start = clean.index("{", m.end())
    depth, i = 0, start
    while i < len(clean):
        if clean[i] == "{":
            depth += 1
        elif clean[i] == "}":
            depth -= 1
            if depth == 0:
                return start, i
        i += 1
    raise SystemExit("unbalanced function " + name)


def enclosing_guards(clean, body_start, index):
    """The `if (...)` and `X?.let` blocks that contain index, outermost first."""
    guards = []
    for m in re.finditer(r"\bif\s*\(|([A-Za-z_][\w.?!]*)\?\.let\s*\{", clean[body_start:index]):
        at = body_start + m.start()
        if m.group(1) is not None:
            brace = clean.index("{", at)
            condition = m.group(1)
            kind = "let"
        else:
            args, after = registry_tool.split_args(clean, body_start + m.end())
            condition = args[0] if args else ""
            brace = clean.find("{", after)
            kind = "if"
        depth, i = 0, brace
        while i < len(clean):
            if clean[i] == "{":
                depth += 1
            elif clean[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if brace < index < i:
            guards.append({"kind": kind, "expression": re.sub(r"\s+", "", condition) if kind == "let"
                           else " ".join(condition.split())})
    return guards


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source")
    p.add_argument("colibri_stats_extension")
    p.add_argument("registry")
    p.add_argument("--xmpp-extensions-commit", default=None)
    p.add_argument("-o", "--output", default=None)
    a = p.parse_args(argv)

    with open(os.path.join(a.source, SHIM), encoding="utf-8") as fh:
        ctx = registry_tool.FileContext(SHIM, fh.read())
    constants = java_constants(a.colibri_stats_extension)
    with open(a.registry, encoding="utf-8") as fh:
        registry = json.load(fh)
    by_property = {}
    for e in registry["entries"]:
        if e.get("owner") and e.get("property"):
            by_property[(e["owner"], e["property"])] = e

    # Every Owner.property.set(fn(...)) in the scanned sources: a function whose value is copied into a gauge.
    copies = {}
    for d in registry_tool.SCAN_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(a.source, d)):
            dirnames.sort()
            for f in sorted(filenames):
                if not f.endswith(registry_tool.EXTENSIONS):
                    continue
                full = os.path.join(dirpath, f)
                with open(full, encoding="utf-8", errors="replace") as fh:
                    fctx = registry_tool.FileContext(os.path.relpath(full, a.source).replace(os.sep, "/"), fh.read())
                for m in re.finditer(r"\b([A-Z]\w*)\s*\.\s*([a-z]\w*)\s*\.\s*set\s*\(\s*(?:[A-Z]\w*\s*\.\s*)*"
                                     r"([a-z]\w*)\s*\(\s*\)", fctx.clean):
                    copies.setdefault(m.group(3), (m.group(1), m.group(2), fctx.path + ":" + str(fctx.line_of(m.start()))))

    start, end = function_body(ctx.clean, "getStats")
    keys = []
    for m in re.finditer(r"(?<![\w.])put\s*\(", ctx.clean[start:end]):
        at = start + m.start()
        args, _ = registry_tool.split_args(ctx.clean, start + m.end())
        key_expr, value_expr = args[0], " ".join(args[1].split())
        key, _ = ctx.resolve(key_expr)
        if key is None and re.fullmatch(r"[A-Z_][A-Z0-9_]*", key_expr):
            key = constants.get(key_expr)
        guards = enclosing_guards(ctx.clean, start, at)
        expression = value_expr
        if re.fullmatch(r"it\s*\.\s*get\s*\(\s*\)", value_expr) and guards and guards[-1]["kind"] == "let":
            expression = guards[-1]["expression"].replace("?.", ".") + ".get()"
        item = {"key": key, "key_expression": key_expr, "value_expression": value_expr,
                "line": ctx.line_of(at), "guards": guards, "metric": None, "metric_type": None,
                "conversion": None, "source": None, "how": None}
        chain = re.fullmatch(r"([A-Z]\w*)((?:\s*[?!]*\.\s*\w+)*?)\s*[?!]*\.\s*get\s*\(\s*\)(.*)", expression)
        call = re.fullmatch(r"(?:[A-Z]\w*\s*\.\s*)*([a-z]\w*)\s*\(\s*\)(.*)", expression)
        tail = None
        entry = None
        if chain:
            owner = chain.group(1)
            segments = [s for s in re.split(r"[?!.\s]+", chain.group(2)) if s]
            tail = chain.group(3).strip()
            if segments:
                entry = by_property.get((owner, segments[-1]))
                item["how"] = "registration assigned to %s.%s" % (owner, segments[-1])
        elif call and call.group(1) in copies:
            owner, prop, site = copies[call.group(1)]
            entry = by_property.get((owner, prop))
            tail = call.group(2).strip()
            item["how"] = "%s() is copied into %s.%s at %s" % (call.group(1), owner, prop, site)
        if entry is not None:
            item["metric"] = entry["exposed_name"]
            item["metric_type"] = entry["type"]
            item["source"] = entry["file"] + ":" + str(entry["line"])
            if entry["type"] == "boolean" and not tail:
                item["conversion"] = "boolean"
            elif not tail:
                item["conversion"] = "same"
            elif re.fullmatch(r"/\s*1000", tail) and entry["type"] in ("long gauge", "counter"):
                item["conversion"] = "kilobits_truncated"
            else:
                item["conversion"] = "unknown: " + tail
        else:
            item["how"] = "not a registered metric"
        keys.append(item)

    doc = {
        "repo": registry["repo"],
        "commit": registry["commit"],
        "tag": registry.get("tag"),
        "ref": registry.get("ref"),
        "shim": SHIM,
        "colibri_stats_extension": {"repo": "https://github.com/jitsi/jitsi-xmpp-extensions",
                                    "commit": a.xmpp_extensions_commit,
                                    "file": "src/main/java/org/jitsi/xmpp/extensions/colibri/ColibriStatsExtension.java"},
        "extracted_by": "tests/testdata/jvb-metrics/extract_shim.py (static scan of the source)",
        "count": len(keys),
        "keys": keys,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    unresolved = [k["key_expression"] for k in keys if k["key"] is None]
    print("%d keys, %d from metrics, %d unresolved key names" %
          (len(keys), sum(1 for k in keys if k["metric"]), len(unresolved)), file=sys.stderr)
    return 1 if unresolved else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
