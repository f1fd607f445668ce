"""The Python comparison of the end-to-end benchmark: what a minimal scraper of static JVB URLs looks like.

Per newline on stdin it GETs each URL given as an argument (http.client, a new connection each time),
parses the colibri document with json and prints one line per JVB: its top-level numbers as float fields.
"""
import http.client
import json
import sys
import time
from urllib.parse import urlsplit

targets = [(url, urlsplit(url)) for url in sys.argv[1:]]
for _ in iter(sys.stdin.readline, ""):
    lines = []
    for url, parts in targets:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        try:
            connection.request("GET", parts.path, headers={"Accept": "application/json"})
            stats = json.loads(connection.getresponse().read())
        except (OSError, ValueError, http.client.HTTPException) as error:
            print(f"E! {url}: {error}", file=sys.stderr, flush=True)
            continue
        finally:
            connection.close()
        fields = ",".join(f"{key}={float(value)!r}" for key, value in stats.items()
                          if isinstance(value, (int, float)) and not isinstance(value, bool))
        lines.append(f"jitsi_stats,url={url} {fields} {time.time_ns()}\n")
    sys.stdout.write("".join(lines))
    sys.stdout.flush()
