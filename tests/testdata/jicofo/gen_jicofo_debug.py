#!/usr/bin/env python3
"""Build Jicofo's `GET /debug` answer (the short form, without `?full=true`) from Jicofo's source.

Standard library only.  The program reads a jitsi/jicofo source tree (a `git archive` of one
commit) and a jitsi/jitsi-xmpp-extensions tree, and:

  * finds each function that builds a part of the answer (JicofoServices.getDebugState,
    FocusManager.getDebugState, BridgeSelector/Bridge/JibriDetector/JigasiDetector/
    AvModerationHandler/ConferenceIqHandler `debugState`) and reads, in source order, every
    `put`, `putNull` and `set<ObjectNode>` call in it: the key (a literal, or a per-member key
    such as a bridge's JID), the value expression, and whether the call sits in a `?.let` (a key
    that may be absent) or is paired with `putNull` (a value that may be JSON null);
  * takes the short branch of `if (full) ... else ...`;
  * finds each value's JSON kind from the expression and the declaration it reads
    (`x.toString()` of a nullable is the text "null" when unset, `Boolean` a boolean, `Double` a
    float, `Int`/`Long`/`AtomicInteger.get()` an integer);
  * fills the tree from the states in SCENARIOS, which name each value by the expression the
    source reads (`region`, `isInGracefulShutdown`, `status.healthStatus?.status`), checks that
    every expression of the source has a value of its kind and no other value is given, and
    writes the answer as Jackson's `ObjectNode.toString()` writes it (compact, insertion order);
  * writes debug-keys-<label>.md: every key, its kind and the source line that puts it.

Usage:
  gen_jicofo_debug.py SRC_DIR --xmpp-extensions XMPP_EXT_DIR --commit SHA --label LABEL [-o OUT_DIR]
"""

import argparse
import os
import re
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
sys.path.insert(0, os.path.join(_HERE, "..", "jvb-metrics"))
from extract_registry import blank_comments, split_args  # noqa: E402
from gen_jicofo import jackson  # noqa: E402

# Where each part is built: class -> (file, the line that opens the builder).
BUILDERS = {
    "JicofoServices": ("jicofo/src/main/kotlin/org/jitsi/jicofo/JicofoServices.kt",
                       r"fun getDebugState\(full: Boolean\): ObjectNode ="),
    "FocusManager": ("jicofo/src/main/kotlin/org/jitsi/jicofo/FocusManager.kt",
                     r"fun getDebugState\(full: Boolean\): ObjectNode ="),
    "BridgeSelector": ("jicofo-selector/src/main/kotlin/org/jitsi/jicofo/bridge/BridgeSelector.kt",
                       r"val debugState: ObjectNode"),
    "Bridge": ("jicofo-selector/src/main/kotlin/org/jitsi/jicofo/bridge/Bridge.kt", r"val debugState: ObjectNode"),
    "JibriDetector": ("jicofo/src/main/kotlin/org/jitsi/jicofo/jibri/JibriDetector.kt", r"val debugState: ObjectNode"),
    "JigasiDetector": ("jicofo/src/main/kotlin/org/jitsi/jicofo/jigasi/JigasiDetector.kt",
                       r"val debugState: ObjectNode"),
    "AvModerationHandler": ("jicofo/src/main/kotlin/org/jitsi/jicofo/xmpp/AvModerationHandler.kt",
                            r"val debugState: ObjectNode"),
    "ConferenceIqHandler": ("jicofo/src/main/kotlin/org/jitsi/jicofo/xmpp/ConferenceIqHandler.kt",
                            r"val debugState: ObjectNode"),
}
# What each receiver or iterated collection in a builder is (the declarations say so; the program
# stops when a builder reads one that is not listed here).
RECEIVERS = {
    "focusManager": "FocusManager",
    "bridgeSelector": "BridgeSelector",
    "jibriDetector": "JibriDetector",
    "sipJibriDetector": "JibriDetector",
    "xmppServices.jigasiDetector": "JigasiDetector",
    "xmppServices.avModerationHandler": "AvModerationHandler",
    "xmppServices.conferenceIqHandler": "ConferenceIqHandler",
    "bridges.values": "Bridge",
}
# Files whose declarations give the kinds of the values read from a collection's members.
MEMBER_DECLARATIONS = {
    "getConferences()": "jicofo/src/main/java/org/jitsi/jicofo/conference/JitsiMeetConferenceImpl.java",
}
# Kinds of methods of libraries outside the tree.
EXTERNAL_KINDS = {
    # jitsi-utils src/main/kotlin/org/jitsi/utils/stats/RateTracker.kt: fun getAccumulatedCount(...): Long
    "getAccumulatedCount()": "integer",
}
# Enums whose toString() a value is (jitsi-xmpp-extensions).
ENUM_TEXTS = {
    "status.healthStatus?.status": ("src/main/java/org/jitsi/xmpp/extensions/health/HealthStatusPacketExt.java",
                                    "Health"),
    "status.busyStatus?.status": ("src/main/java/org/jitsi/xmpp/extensions/jibri/JibriBusyStatusPacketExt.java",
                                  "BusyStatus"),
}
JIBRI_STATUS_EXT = "src/main/java/org/jitsi/xmpp/extensions/jibri/JibriStatusPacketExt.java"
JICOFO_REFERENCE = "jicofo/src/main/resources/reference.conf"
SELECTOR_REFERENCE = "jicofo-selector/src/main/resources/reference.conf"
HEALTH_CHECKER = "jicofo/src/main/kotlin/org/jitsi/jicofo/health/JicofoHealthChecker.kt"
XMPP_CONFIG = "jicofo-common/src/main/kotlin/org/jitsi/jicofo/xmpp/XmppConfig.kt"
SCAN_DIRS = ("jicofo/src/main", "jicofo-common/src/main", "jicofo-selector/src/main")

# Java's Instant.MIN.toString() (ISO_INSTANT always writes the seconds).
INSTANT_MIN_TEXT = "-1000000000-01-01T00:00:00Z"


class Never:
    """JibriDetector's NEVER (Instant.MIN): the program checks the source says so."""


class HealthRoom:
    """A health-check conference: JicofoHealthChecker.generateRoomName() with this Random.nextLong()."""

    def __init__(self, n):
        self.n = n


NEVER = Never()

# ---------------------------------------------------------------------------
# The states the payloads describe, each value named by the expression the source reads.
# Bridge values that the source computes (corrected stress, overloaded) are computed below from
# the ones it reads from presence.  Lists are members in Jicofo's iteration order.
# ---------------------------------------------------------------------------
DOMAIN = "meet.jitsi"
BRIDGE_FULL = {   # presence with every stat: region, relay id, version and release reported
    "jid": "jvbbrewery@internal-muc.%s/jvb-eu-1a" % DOMAIN,
    "lastReportedStressLevel": 0.25, "recentlyAddedEndpointCount": 2, "averageParticipantStress": 0.01,
    "failingIce": False, "isDraining": False, "endpoints.get()": 9,
    "endpointRestartRequestRate.getAccumulatedCount()": 0, "isInGracefulShutdown": False, "isHealthy": True,
    "isOperational": True, "region": "eu-central-1", "relayId": "10.0.1.21", "releaseId": "11146",
    "isShuttingDown": False, "version": "2.3.209-g5e7b2bd",
}
BRIDGE_NO_STATS = {   # joined the brewery, no stats in its presence yet: the fields keep their start values
    "jid": "jvbbrewery@internal-muc.%s/7c1d0a4e-2f55-4a63-9d3b-0e8f7c2a51b6" % DOMAIN,
    "lastReportedStressLevel": 0.0, "recentlyAddedEndpointCount": 0, "averageParticipantStress": 0.01,
    "failingIce": False, "isDraining": True, "endpoints.get()": 0,
    "endpointRestartRequestRate.getAccumulatedCount()": 0, "isInGracefulShutdown": False, "isHealthy": True,
    "isOperational": True, "region": None, "relayId": None, "releaseId": None,
    "isShuttingDown": False, "version": None,
}
BRIDGE_LEAVING = {   # in graceful shutdown, loaded, and failed an allocation within failure-reset-threshold
    "jid": "jvbbrewery@internal-muc.%s/jvb-eu-2b" % DOMAIN,
    "lastReportedStressLevel": 0.85, "recentlyAddedEndpointCount": 0, "averageParticipantStress": 0.01,
    "failingIce": False, "isDraining": False, "endpoints.get()": 4,
    "endpointRestartRequestRate.getAccumulatedCount()": 3, "isInGracefulShutdown": True, "isHealthy": True,
    "isOperational": False, "region": "eu-central-1", "relayId": "10.0.1.22", "releaseId": "11146",
    "isShuttingDown": False, "version": "2.3.209-g5e7b2bd",
}
JIBRI_BUSY = {"jid.resourcepart": "jibri-7f3c", "status.healthStatus?.status": "healthy",
              "status.busyStatus?.status": "busy", "reportsAvailable": False, "lastFailed": NEVER,
              "lastSelected": "2026-08-20T08:55:12.348117Z"}
JIBRI_IDLE = {"jid.resourcepart": "jibri-a912", "status.healthStatus?.status": "healthy",
              "status.busyStatus?.status": "idle", "reportsAvailable": True, "lastFailed": NEVER,
              "lastSelected": NEVER}
JIGASI_SIP = {"jid.resourceOrEmpty": "jigasi-sip-1", "supportsSip()": True, "supportsTranscription()": False,
              "isInGracefulShutdown()": False, "getParticipantCount()": 1, "getRegion()": "eu-central-1"}
JIGASI_TRANSCRIBER = {"jid.resourceOrEmpty": "jigasi-transcriber-1", "supportsSip()": False,
                      "supportsTranscription()": True, "isInGracefulShutdown()": False,
                      "getParticipantCount()": 0, "getRegion()": None}
AV_MODERATION = {"avModerationAddress": "avmoderation.%s" % DOMAIN}
CONFERENCE_IQ = {"breakoutAddress": "breakout.%s" % DOMAIN, "focusAuthJid": "focus@auth.%s" % DOMAIN,
                 "jigasiEnabled": True, "authAuthority?.javaClass?.simpleName": None}


def conference(room, participants):
    return {"roomName": room, "participantCount": participants}


def jibri_detector(is_sip, brewery, instances):
    return {"isSip": is_sip, "breweryJid": "%s@internal-muc.%s" % (brewery, DOMAIN), "instances": instances}


def state(conferences, bridges, jibri, sip_jibri, jigasi, conference_iq=CONFERENCE_IQ, strategy=None):
    return {
        "focusManager": {"getConferences()": conferences},
        "bridgeSelector": {"bridgeSelectionStrategy.javaClass.simpleName": strategy, "bridges.values": bridges},
        "jibriDetector": jibri,
        "sipJibriDetector": sip_jibri,
        "xmppServices.jigasiDetector": jigasi,
        "xmppServices.avModerationHandler": AV_MODERATION,
        "xmppServices.conferenceIqHandler": conference_iq,
    }


CONFERENCES = [conference("bluefinchweekly@conference.%s" % DOMAIN, 4),
               conference(HealthRoom(7316292215184563218), 0),
               conference("quarterlyplanning-7h2k@conference.%s" % DOMAIN, 9)]
JIGASI = {"breweryJid": "jigasibrewery@internal-muc.%s" % DOMAIN, "instances": [JIGASI_SIP, JIGASI_TRANSCRIBER]}


def reordered(s):
    """The same state with every member list in the other order."""
    if isinstance(s, dict):
        return {k: reordered(v) for k, v in s.items()}
    if isinstance(s, list):
        return [reordered(v) for v in reversed(s)]
    return s


MAIN = state(CONFERENCES, [BRIDGE_FULL, BRIDGE_NO_STATS, BRIDGE_LEAVING],
             jibri_detector(False, "jibribrewery", [JIBRI_BUSY, JIBRI_IDLE]), None, JIGASI)

# A second shard's Jicofo (its own Prosody and conferences) in the same deployment: the bridges and Jibris join
# every shard's brewery, so it sees jvb-eu-1a and jvb-eu-2b with the same presence stats (stress, region, version,
# graceful shutdown) as MAIN's Jicofo, but its own allocations (endpoints, recently added, restart requests) and its
# own view of jvb-eu-2b (no failed allocation here: operational), plus a bridge only it sees. The same Jibris
# (this Jicofo never selected the busy one) and Jigasis.
BRIDGE_SECOND_SHARD = [
    dict(BRIDGE_FULL, **{"endpoints.get()": 5, "recentlyAddedEndpointCount": 1,
                         "endpointRestartRequestRate.getAccumulatedCount()": 1}),
    dict(BRIDGE_LEAVING, **{"endpoints.get()": 2, "isOperational": True,
                            "endpointRestartRequestRate.getAccumulatedCount()": 0}),
    dict(BRIDGE_FULL, **{"jid": "jvbbrewery@internal-muc.%s/jvb-eu-3c" % DOMAIN, "lastReportedStressLevel": 0.4,
                         "recentlyAddedEndpointCount": 0, "endpoints.get()": 6, "relayId": "10.0.1.23"}),
]
SECOND_SHARD = state([conference("weeklystandup-q8rd@conference.%s" % DOMAIN, 5),
                      conference(HealthRoom(4410928373620194015), 0)],
                     BRIDGE_SECOND_SHARD,
                     jibri_detector(False, "jibribrewery", [dict(JIBRI_BUSY, lastSelected=NEVER), JIBRI_IDLE]),
                     None, JIGASI)

SCENARIOS = [
    # (file suffix, state, what it is)
    ("", MAIN, "3 bridges, 2 Jibris, no SIP Jibri detector, 2 Jigasis, 2 conferences and a health check"),
    ("-reordered", reordered(MAIN), "the same state, every map's members in the other order"),
    ("-second-shard", SECOND_SHARD,
     "another shard's Jicofo seeing two of the same bridges (its own endpoints, jvb-eu-2b operational to it), one "
     "bridge of its own, the same Jibris and Jigasis"),
    ("-no-detectors",
     state([conference("bluefinchweekly@conference.%s" % DOMAIN, 4),
            conference(HealthRoom(-2891736402815577741), 0)],
           [BRIDGE_FULL], None, None, None,
           conference_iq=dict(CONFERENCE_IQ, jigasiEnabled=False)),
     "no Jibri, SIP Jibri or Jigasi brewery configured; 1 bridge; a health check with a negative number"),
    ("-empty",
     state([], [], jibri_detector(False, "jibribrewery", []), jibri_detector(True, "sipbrewery", []),
           {"breweryJid": JIGASI["breweryJid"], "instances": []},
           conference_iq=dict(CONFERENCE_IQ, breakoutAddress=None)),
     "just started: no bridge, no conference; all three detectors configured with no instance"),
    ("-edge",
     state([conference("bluefinchweekly@conference.%s" % DOMAIN, 1)],
           [BRIDGE_NO_STATS],
           jibri_detector(False, "jibribrewery", [
               {"jid.resourcepart": "jibri-c04e", "status.healthStatus?.status": "unhealthy",
                "status.busyStatus?.status": "idle", "reportsAvailable": False,
                "lastFailed": "2026-08-20T09:14:03.512774Z", "lastSelected": "2026-08-20T09:13:59.031225Z"},
               {"jid.resourcepart": "jibri-55d1", "status.healthStatus?.status": None,
                "status.busyStatus?.status": None}]),
           jibri_detector(True, "sipbrewery", [dict(JIBRI_IDLE, **{"jid.resourcepart": "sip-jibri-1"})]),
           {"breweryJid": JIGASI["breweryJid"],
            "instances": [dict(JIGASI_SIP, **{"isInGracefulShutdown()": True, "getRegion()": None})]},
           conference_iq=dict(CONFERENCE_IQ, **{"authAuthority?.javaClass?.simpleName": "XMPPDomainAuthAuthority"}),
           strategy="RegionBasedBridgeSelectionStrategy"),
     "what the source allows but the others do not show: an unhealthy Jibri that failed, a Jibri whose presence "
     "has no health or busy status, a SIP Jibri, a Jigasi in graceful shutdown without a region, an "
     "authentication authority, another selection strategy"),
]


# ---------------------------------------------------------------------------
# Source reading
# ---------------------------------------------------------------------------
class Source:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def text(self, rel):
        if rel not in self.cache:
            raw = open(os.path.join(self.root, rel), encoding="utf-8").read()
            self.cache[rel] = (raw, blank_comments(raw))
        return self.cache[rel][1]

    def raw(self, rel):
        self.text(rel)
        return self.cache[rel][0]

    def line(self, rel, pos):
        return self.text(rel).count("\n", 0, pos) + 1


def block_end(src, open_brace):
    """Index just after the "}" that closes the "{" at open_brace (string-aware)."""
    depth, i, n = 0, open_brace, len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise SystemExit("unbalanced braces")


def blank(src, a, b):
    return src[:a] + re.sub(r"[^\n]", " ", src[a:b]) + src[b:]


def short_form(src, a, b):
    """Keep the else branch of `if (full) {...} else {...}` (the answer without ?full=true)."""
    while True:
        m = re.compile(r"\bif\s*\(\s*full\s*\)\s*\{").search(src, a, b)
        if not m:
            return src
        then_end = block_end(src, m.end() - 1)
        e = re.compile(r"\s*else\s*\{").match(src, then_end)
        if not e:
            raise SystemExit("if (full) without else")
        else_end = block_end(src, e.end() - 1)
        src = blank(src, m.start(), e.end())
        src = blank(src, else_end - 1, else_end)


CALL_RE = re.compile(r"(?<![\w])(?:\w+\.)?(put|putNull|set<ObjectNode>)\(")
LOCAL_OBJECT_RE = re.compile(r"\bval\s+(\w+)\s*=\s*JsonNodeFactory\.instance\.objectNode\(\)\.apply\s*\{")
INLINE_OBJECT_RE = re.compile(r"^JsonNodeFactory\.instance\.objectNode\(\)\.apply\s*\{")


def enclosing_blocks(src, a, pos):
    """The "{" positions open at pos, innermost last."""
    stack, i = [], a
    while i < pos:
        c = src[i]
        if c == '"':
            j = i + 1
            while j < pos and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            stack.append(i)
        elif c == "}":
            stack.pop()
        i += 1
    return stack


def block_head(src, brace):
    """The text before a "{" on its line, e.g. `jibriDetector?.let` or `bridges.values.forEach`."""
    return src[src.rfind("\n", 0, brace) + 1:brace].strip()


def entries(source, rel, src, a, b):
    """The put/putNull/set calls of src[a:b] in order: dicts with key, value, line, context."""
    locals_ = {}
    for m in list(LOCAL_OBJECT_RE.finditer(src, a, b)):
        end = block_end(src, m.end() - 1)
        locals_[m.group(1)] = (m.end(), end - 1)
    work = src
    for name, (s, e) in locals_.items():
        work = blank(work, s, e)
    out, i = [], a
    while True:
        m = CALL_RE.search(work, i, b)
        if not m:
            return out, locals_
        args, end = split_args(work, m.end())
        heads = [block_head(work, p) for p in enclosing_blocks(work, a, m.start())]
        out.append({"method": m.group(1), "args": args, "line": source.line(rel, m.start()),
                    "pos": m.end(), "heads": heads})
        i = end


def let_receiver(heads):
    for h in reversed(heads):
        m = re.search(r"(\S+)\?\.let$", h)
        if m:
            return m.group(1)
    return None


def loop_collection(heads):
    for h in reversed(heads):
        m = re.search(r"([\w.()]+)\.forEach$", h) or re.search(r"for\s*\(\s*\w+\s+in\s+([\w.()]+)\s*\)$", h)
        if m:
            return m.group(1)
    return None


# ---------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------
LOOP_VAR = re.compile(r"^(?:it|instance|conference)\.")


def declared(src, name):
    """(type, initializer) of a Kotlin/Java declaration of name in src, or None."""
    m = re.search(r"\b(?:val|var)\s+%s\s*:\s*([\w.<>?]+)" % re.escape(name), src)
    if m:
        return m.group(1), None
    m = re.search(r"\b(?:val|var)\s+%s\s*=\s*([^\n]+)" % re.escape(name), src)
    if m:
        return None, m.group(1).strip()
    m = re.search(r"\bfun\s+\S*?\b%s\(\)\s*:\s*([\w?]+)" % re.escape(name[:-2]), src) if name.endswith("()") else None
    if m:
        return m.group(1), None
    getter = "get" + name[0].upper() + name[1:]
    m = re.search(r"\b(int|long|boolean|double|String)\s+%s\s*\(\s*\)" % getter, src)
    if m:
        return {"int": "Int", "long": "Long", "boolean": "Boolean", "double": "Double", "String": "String"}[m.group(1)], None
    return None


def kind_of(expr, decl_srcs):
    """(JSON kind, the subject the state names it by)."""
    e = LOOP_VAR.sub("", expr.strip())
    if e.endswith(' ?: "null"'):
        return "string-or-null-text", e[:-len(' ?: "null"')]
    if e.endswith(".toString()"):
        subject = e[:-len(".toString()")]
        if "?." in subject:
            return "string-or-null-text", subject
        d = next((x for x in (declared(s, subject) for s in decl_srcs) if x), None)
        if d is None:
            raise SystemExit("no declaration of %s" % subject)
        typ, init = d
        nullable = (typ or "").endswith("?") or init == "null"
        return ("string-or-null-text" if nullable else "string"), subject
    if e.endswith(".simpleName"):
        return "string", e
    root, _, call = e.partition(".")
    if call in EXTERNAL_KINDS:
        return EXTERNAL_KINDS[call], e
    d = next((x for x in (declared(s, root) for s in decl_srcs) if x), None)
    if d is None:
        raise SystemExit("no declaration of %s" % root)
    typ, init = d
    if call == "get()" and init and re.match(r"Atomic(Integer|Long)\(", init):
        return "integer", e
    if call:
        raise SystemExit("cannot type %s" % expr)
    if typ in ("Boolean",) or init in ("true", "false"):
        return "boolean", e
    if typ in ("Int", "Long"):
        return "integer", e
    if typ == "Double" or (init and re.fullmatch(r"\d+\.\d+", init)):
        return "float", e
    if typ == "String":
        return "string", e
    raise SystemExit("cannot type %s (%s %s)" % (expr, typ, init))


# ---------------------------------------------------------------------------
# The tree of one builder
# ---------------------------------------------------------------------------
class Node:
    """One builder's object: ordered fields and members."""

    def __init__(self, cls, rel, line):
        self.cls, self.rel, self.line = cls, rel, line
        self.items = []   # dicts: key (literal or None), subject, kind, child, optional, nullable, line, collection


def builder(source, cls, decl_extra=()):
    rel, head = BUILDERS[cls]
    src = source.text(rel)
    m = re.search(head, src)
    if not m:
        raise SystemExit("%s: no builder %r" % (rel, head))
    brace = src.index("{", src.index("objectNode()", m.end()))
    end = block_end(src, brace)
    src = short_form(src, brace, end)
    node = Node(cls, rel, source.line(rel, m.start()))
    decl_srcs = [src] + [source.text(r) for r in decl_extra]
    fill(source, node, rel, src, brace + 1, end - 1, decl_srcs)
    return node


def fill(source, node, rel, src, a, b, decl_srcs):
    calls, locals_ = entries(source, rel, src, a, b)
    by_key = {}
    for c in calls:
        key_expr = c["args"][0]
        literal = re.fullmatch(r'"([^"]*)"', key_expr)
        key = literal.group(1) if literal else None
        collection = None if literal else loop_collection(c["heads"])
        if not literal and collection is None:
            raise SystemExit("%s:%d: a computed key outside a loop" % (rel, c["line"]))
        if c["method"] == "putNull":
            if key not in by_key:
                raise SystemExit("%s:%d: putNull without a set" % (rel, c["line"]))
            by_key[key]["nullable"] = True
            continue
        value = c["args"][1]
        item = {"key": key, "key_subject": None, "line": c["line"], "collection": collection,
                "optional": False, "nullable": False, "child": None, "kind": None, "subject": None,
                "receiver": None}
        if not literal:
            # a member's key is the text of one of its properties (a JID, a nickname, a room)
            km = re.fullmatch(r"(?:it|instance|conference)\.([\w.]+)\.toString\(\)", key_expr.strip())
            if not km:
                raise SystemExit("%s:%d: a member key that is not text: %s" % (rel, c["line"], key_expr))
            item["key_subject"] = km.group(1)
        receiver = let_receiver(c["heads"])
        item["optional"] = receiver is not None
        if c["method"] == "set<ObjectNode>":
            v = value.strip()
            if INLINE_OBJECT_RE.match(v):
                child = Node(node.cls, rel, c["line"])
                s = c["pos"] + src[c["pos"]:].index("{")
                fill(source, child, rel, src, s + 1, block_end(src, s) - 1, decl_srcs)
                item["child"], item["kind"] = child, "object"
            elif v in locals_:
                child = Node(node.cls, rel, c["line"])
                fill(source, child, rel, src, locals_[v][0], locals_[v][1], decl_srcs)
                item["child"], item["kind"] = child, "object"
            else:
                mv = re.fullmatch(r"([\w.]+)\.(debugState|getDebugState\(full\))", v)
                if not mv:
                    raise SystemExit("%s:%d: cannot follow %s" % (rel, c["line"], v))
                recv = mv.group(1)
                if recv == "it":
                    recv = collection or receiver
                if recv not in RECEIVERS:
                    raise SystemExit("%s:%d: unknown receiver %s" % (rel, c["line"], recv))
                item["child"], item["kind"] = builder(source, RECEIVERS[recv]), "object"
                item["receiver"] = recv
                if receiver and recv == receiver:
                    item["optional"] = False   # absent only as the JSON null of putNull
        else:
            extra = [source.text(MEMBER_DECLARATIONS[collection])] if collection in MEMBER_DECLARATIONS else []
            item["kind"], item["subject"] = kind_of(value, decl_srcs + extra)
        node.items.append(item)
        if key is not None:
            by_key[key] = item


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------
class Facts:
    """What the values must agree with, read from the source."""

    def __init__(self, source, xmpp_root):
        ref = source.text(JICOFO_REFERENCE)
        self.health_prefix = re.search(r'room-name-prefix\s*=\s*"([^"]+)"', ref).group(1)
        hc = source.text(HEALTH_CHECKER)
        m = re.search(r'Localpart\.from\("\$\{HealthConfig\.config\.roomNamePrefix\}-\$\{Random\.nextLong\(\)\}"\)', hc)
        if not m:
            raise SystemExit("generateRoomName changed")
        self.health_room_line = source.line(HEALTH_CHECKER, m.start())
        xc = source.text(XMPP_CONFIG)
        if '"default" { JidCreate.domainBareFrom("conference.$xmppDomain") }' not in xc:
            raise SystemExit("conference MUC default changed")
        sel = source.text(SELECTOR_REFERENCE)
        self.stress_threshold = float(re.search(r"\bstress-threshold\s*=\s*([\d.]+)", sel).group(1))
        self.default_strategy = re.search(r"\bselection-strategy\s*=\s*(\w+)", sel).group(1)
        self.classes = set()
        for d in SCAN_DIRS:
            for root, _, files in os.walk(os.path.join(source.root, d)):
                for f in files:
                    if f.endswith((".kt", ".java")):
                        self.classes.update(re.findall(r"\bclass\s+(\w+)", source.text(os.path.relpath(
                            os.path.join(root, f), source.root))))
        jd = source.text(BUILDERS["JibriDetector"][0])
        if not re.search(r"val NEVER = Instant\.MIN\b", jd) or "var lastFailed: Instant = NEVER" not in jd:
            raise SystemExit("JibriDetector's NEVER changed")
        bridge = source.text(BUILDERS["Bridge"][0])
        for needle in ("lastReportedStressLevel + recentlyAddedEndpointCount.coerceAtLeast(0) * averageParticipantStress",
                       "if (failingIce) max(s, config.stressThreshold + 0.01) else s",
                       "get() = correctedStress >= config.stressThreshold"):
            if needle not in bridge:
                raise SystemExit("Bridge stress formula changed: " + needle)
        self.enum_texts = {}
        for subject, (rel, enum) in ENUM_TEXTS.items():
            text = open(os.path.join(xmpp_root, rel), encoding="utf-8").read()
            body = re.search(r"enum\s+%s\s*\{(.*?);" % enum, text, re.S).group(1)
            self.enum_texts[subject] = re.findall(r'\w+\("([^"]+)"\)', body)
        st = open(os.path.join(xmpp_root, JIBRI_STATUS_EXT), encoding="utf-8").read()
        if ("getHealthStatus().getStatus().equals(HealthStatusPacketExt.Health.HEALTHY) &&" not in st
                or "getBusyStatus().getStatus().equals(JibriBusyStatusPacketExt.BusyStatus.IDLE)" not in st):
            raise SystemExit("JibriStatusPacketExt.isAvailable changed")


def derived_bridge(s, facts):
    """Bridge.correctedStress and isOverloaded, as Bridge.kt computes them."""
    s = dict(s)
    corrected = s["lastReportedStressLevel"] + max(s.pop("recentlyAddedEndpointCount"), 0) * s.pop(
        "averageParticipantStress")
    if s["failingIce"]:
        corrected = max(corrected, facts.stress_threshold + 0.01)
    s["correctedStress"] = corrected
    s["isOverloaded"] = corrected >= facts.stress_threshold
    return s


def check_kind(kind, value, where):
    ok = {"integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
          "float": lambda v: isinstance(v, float),
          "boolean": lambda v: isinstance(v, bool),
          "string": lambda v: isinstance(v, str),
          "string-or-null-text": lambda v: v is None or isinstance(v, str)}[kind]
    if not ok(value):
        raise SystemExit("%s: %r is not %s" % (where, value, kind))


def text_value(kind, value):
    if value is NEVER:
        return INSTANT_MIN_TEXT
    if kind == "string-or-null-text" and value is None:
        return "null"     # Kotlin's null.toString() and the `?: "null"` fallbacks
    return value


def render(node, st, facts, path, consumed=(), shared=None):
    """The ObjectNode of node for state st, as an ordered dict.  An object built inline shares its
    parent's state (shared: the parent's set of the values read)."""
    out = {}
    used = set(consumed) if shared is None else shared
    for it in node.items:
        if it["collection"] is not None:
            members = st.get(it["collection"])
            if members is None:
                raise SystemExit("%s: no %s" % (path, it["collection"]))
            used.add(it["collection"])
            for m in members:
                if it["receiver"] == "bridges.values":
                    m = derived_bridge(m, facts)
                key = m[it["key_subject"]]
                used_m = {it["key_subject"]}
                if isinstance(key, HealthRoom):
                    key = "%s-%d@conference.%s" % (facts.health_prefix, key.n, DOMAIN)
                if key in out:
                    raise SystemExit("%s: duplicate member %s" % (path, key))
                if it["child"] is not None:
                    out[key] = render(it["child"], m, facts, path + "/" + key, used_m)
                else:
                    v = m[it["subject"]]
                    used_m.add(it["subject"])
                    if set(m) - used_m:
                        raise SystemExit("%s: the source reads no %s" % (path, sorted(set(m) - used_m)))
                    check_kind(it["kind"], v, path + "/" + key)
                    out[key] = text_value(it["kind"], v)
            continue
        if it["child"] is not None:
            if it["receiver"] is not None:
                sub = st[it["receiver"]] if it["receiver"] in st else None
                used.add(it["receiver"])
                if sub is None:
                    if not it["nullable"]:
                        raise SystemExit("%s: %s may not be null" % (path, it["key"]))
                    out[it["key"]] = None
                    continue
                out[it["key"]] = render(it["child"], sub, facts, path + "/" + it["key"])
            else:
                render_into = render(it["child"], st, facts, path + "/" + it["key"], shared=used)
                out[it["key"]] = render_into
            continue
        subj = it["subject"]
        if subj not in st:
            if it["optional"]:
                continue
            raise SystemExit("%s: no value for %s (%s)" % (path, subj, it["key"]))
        used.add(subj)
        v = st[subj]
        if subj == "bridgeSelectionStrategy.javaClass.simpleName" and v is None:
            v = facts.default_strategy
        if subj.endswith("simpleName") and v is not None and v not in facts.classes:
            raise SystemExit("%s: no class %s in the source" % (path, v))
        if subj in facts.enum_texts and v is not None and v not in facts.enum_texts[subj]:
            raise SystemExit("%s: %s is not one of %s" % (path, v, facts.enum_texts[subj]))
        if v is not NEVER:
            check_kind(it["kind"], v, path + "/" + it["key"])
        out[it["key"]] = text_value(it["kind"], v)
    if "status.healthStatus?.status" in st:
        # JibriDetector.onInstanceStatusChanged keeps isAvailable() of the last presence (healthy and idle);
        # isAvailable() dereferences both statuses, so without either the instance never gets its
        # JibriInstance and its three keys are absent.
        health, busy = st["status.healthStatus?.status"], st["status.busyStatus?.status"]
        if health is None or busy is None:
            if "reportsAvailable" in st:
                raise SystemExit("%s: a Jibri without a status cannot be tracked" % path)
        elif st.get("reportsAvailable") != (health == "healthy" and busy == "idle"):
            raise SystemExit("%s: reportsAvailable disagrees with the presence" % path)
    extra = set(st) - used
    if extra and shared is None:
        raise SystemExit("%s: the source reads no %s" % (path, sorted(extra)))
    return out


def check_consistency(st):
    """Values that one part of the answer derives from another."""
    iq = st["xmppServices.conferenceIqHandler"]
    # XmppServices.kt: jigasiEnabled = jigasiDetector != null
    if iq["jigasiEnabled"] != (st["xmppServices.jigasiDetector"] is not None):
        raise SystemExit("jigasi_enabled disagrees with the Jigasi detector")


KIND_TEXT = {"string-or-null-text": 'string, the text "null" when unset'}


def key_rows(node, prefix, rows, seen):
    for it in node.items:
        name = prefix + ("<%s>" % it["key_subject"] if it["key"] is None else it["key"])
        kind = KIND_TEXT.get(it["kind"], it["kind"])
        if it["nullable"]:
            kind += " or null"
        if it["optional"]:
            kind += " (may be absent)"
        row = (name, kind, node.rel, it["line"])
        if row not in seen:
            seen.add(row)
            rows.append(row)
        if it["child"] is not None:
            child = it["child"]
            if child.rel != node.rel or it["receiver"] is not None:
                rows.append((name, "built by %s" % child.cls, child.rel, child.line))
            key_rows(child, name + ".", rows, seen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("--xmpp-extensions", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("-o", "--out", default=".")
    a = ap.parse_args()

    source = Source(a.src)
    facts = Facts(source, a.xmpp_extensions)
    tree = builder(source, "JicofoServices")
    for suffix, st, _ in SCENARIOS:
        check_consistency(st)
        doc = render(tree, st, facts, "")
        with open(os.path.join(a.out, "debug-%s%s.json" % (a.label, suffix)), "w") as f:
            f.write(jackson(doc) + "\n")
    rows = []
    key_rows(tree, "", rows, set())
    with open(os.path.join(a.out, "debug-keys-%s.md" % a.label), "w") as f:
        f.write("| key | JSON kind | source (jitsi/jicofo @ %s) |\n|---|---|---|\n" % a.commit[:12])
        for name, kind, rel, line in rows:
            f.write("| `%s` | %s | `%s:%d` |\n" % (name, kind, rel, line))
    print("health-check rooms: %s-<Random.nextLong()> (%s:%d); stress threshold %s; default strategy %s" % (
        facts.health_prefix, HEALTH_CHECKER, facts.health_room_line, facts.stress_threshold,
        facts.default_strategy), file=sys.stderr)


if __name__ == "__main__":
    main()
