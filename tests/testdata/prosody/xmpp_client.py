#!/usr/bin/env python3
"""Minimal XMPP c2s client (stdlib only) that logs in with SASL PLAIN over plain TCP on
127.0.0.1, binds a resource, joins a MUC room and stays connected for a while.
Usage: xmpp_client.py PORT DOMAIN USER PASSWORD ROOM_JID NICK SECONDS"""
import base64, socket, sys, time

port, domain, user, pw, room, nick, secs = sys.argv[1:8]
s = socket.create_connection(("127.0.0.1", int(port)))
s.settimeout(5)

def send(x):
    s.sendall(x.encode())

def read_until(token):
    buf = ""
    while token not in buf:
        chunk = s.recv(65536).decode()
        if not chunk:
            raise SystemExit("closed: " + buf)
        buf += chunk
    return buf

hdr = ("<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
       "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" % domain)
send(hdr); read_until("</stream:features>")
tok = base64.b64encode(("\0%s\0%s" % (user, pw)).encode()).decode()
send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>" % tok)
r = read_until(">")
if "success" not in r:
    raise SystemExit("auth failed: " + r)
send(hdr); read_until("</stream:features>")
send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>cap</resource></bind></iq>")
read_until("</iq>")
send("<presence/>")
send("<presence to='%s/%s'><x xmlns='http://jabber.org/protocol/muc'/></presence>" % (room, nick))
time.sleep(1)
try:
    print(s.recv(65536).decode()[:300])
except socket.timeout:
    pass
time.sleep(float(secs))
send("</stream:stream>")
s.close()
