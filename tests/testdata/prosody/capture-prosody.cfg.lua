-- Private Prosody configuration used only to capture /metrics fixtures.
-- Everything listens on 127.0.0.1 on unusual ports.
pidfile = "/tmp/prosody-cap/prosody.pid"
data_path = "/tmp/prosody-cap/data"
daemonize = false
log = { { levels = { min = "info" }, to = "file", filename = "/tmp/prosody-cap/prosody.log" } }

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { 15222 }
s2s_ports = { 15269 }
component_ports = { }
http_ports = { 15280 }
http_interfaces = { "127.0.0.1" }
https_ports = { }

modules_enabled = {
    "roster"; "saslauth"; "tls"; "disco";
    "private"; "limits"; "version"; "ping";
    "http_openmetrics";
}
modules_disabled = { "offline"; "s2s" }

statistics = "internal"
statistics_interval = "manual"

authentication = "internal_hashed"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true

VirtualHost "meet.jitsi"
    modules_enabled = { "bosh"; "websocket" }

Component "muc.meet.jitsi" "muc"
