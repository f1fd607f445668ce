#!/usr/bin/env python3
"""List the metric names of plugin/Mapping/Prometheus/JitsiStatsMetricMap.cs that a registry JSON
(written by extract_registry.py) does not contain.

Usage: check_map.py MAP_CS REGISTRY_JSON [REGISTRY_JSON ...]
"""
import json
import re
import sys


def map_names(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    # Entries look like: new("jitsi_jvb_x", "colibri_key", Conversion, "source")
    return sorted(set(re.findall(r'\bnew\s*\(\s*"([A-Za-z_:][A-Za-z0-9_:]*)"\s*,', text)))


def registry_names(path):
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    names = set()
    for e in doc["entries"]:
        if e.get("exposed_name"):
            names.add(e["exposed_name"])
        names.update(e.get("exposed_samples") or [])
    return doc, names


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    wanted = map_names(argv[0])
    print("%s: %d distinct metric names" % (argv[0], len(wanted)))
    for reg in argv[1:]:
        doc, names = registry_names(reg)
        missing = [n for n in wanted if n not in names]
        print("%s (tag %s, commit %s): %d of %d map names missing"
              % (reg, doc.get("tag"), doc.get("commit"), len(missing), len(wanted)))
        for n in missing:
            print("  " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
