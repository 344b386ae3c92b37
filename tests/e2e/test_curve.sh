#!/bin/sh
#   CURVE end to end: wbctl keygen, a secured wbserver on a free tcp port
#   (and a plain ipc endpoint beside it), and wbctl and wbconsole with
#   known, unknown, bound and no keys. Prints TAP.
#
#   Nothing here sleeps: the server is ready when its log says where it
#   serves; every other wait is a command's own deadline.
#
#   Run: WB_SRCDIR=. WB_BUILDDIR=build sh tests/e2e/test_curve.sh

set -u

. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER" "$WBCONSOLE" "$CONFIG"
tap_workdir wbcurve
#   no user settings, no keys or endpoint from the caller's environment
export XDG_CONFIG_HOME="$work/config"
unset WB_CERT WB_SERVER_KEY WB_ENDPOINT

tap_details () {
    tap_command_details
}

#   start_secure_server LOG OPTION...: wbserver on a free tcp port and on
#   $endpoint (ipc); $tcp gets the tcp endpoint it bound.
start_secure_server () {
    log=$1
    shift
    "$WBSERVER" -c "$CONFIG" -d "$work/store.db" -e 'tcp://127.0.0.1:*' -e "$endpoint" \
        -l "$log" "$@" > "$work/server.out" 2>&1 &
    server_pid=$!
    tap_track "$server_pid"
    if ! wait_for_line "$log" "serving on tcp://" "$server_pid"; then
        echo "Bail out! wbserver did not start"
        sed 's/^/# /' "$work/server.out" "$log" 2> /dev/null
        exit 1
    fi
    tcp=$(sed -n 's/.*serving on \(tcp:[^ ]*\).*/\1/p' "$log" | head -n 1)
}

# ---------------------------------------------------------------- keygen

K=$work/keys
tap_run "$WBCTL" keygen server --dir "$K"
expect "keygen writes the server's pair" 0 "server_secret: secret"
tap_run "$WBCTL" keygen agent01 --dir "$K" --agent agent01
expect "keygen --agent binds the key to its agent" 0 "bound to agent agent01"
grep -q 'agent-id = "agent01"' "$K/agent01"
report "the public certificate carries the agent-id" $?
[ "$(stat -c %a "$K/agent01_secret")" = 600 ]
report "the secret half is readable by its owner only" $?
tap_run "$WBCTL" keygen media --dir "$K"
tap_run "$WBCTL" keygen stranger --dir "$K"
expect "keygen: a key for nobody" 0
tap_run "$WBCTL" keygen agent01 --dir "$K"
expect "keygen never overwrites a key" 1 "" "agent01 already exists"
tap_run "$WBCTL" keygen "no good"
expect "keygen checks the name" 1 "" "cannot name a key"

mkdir "$work/authorized"
cp "$K/agent01" "$K/media" "$work/authorized/"

# ---------------------------------------------------------------- the server's rule

tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db"
expect "wbserver on the default tcp endpoint without keys exits 2" 2 "" \
    "tcp://127.0.0.1:7120 would let anyone in: give --cert FILE and --authorized-keys DIR"
tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "tcp://127.0.0.1:*" --cert "$K/server_secret"
expect "--cert without --authorized-keys exits 2" 2 "" "needs both --cert FILE and --authorized-keys DIR"
tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "tcp://127.0.0.1:*" \
    --cert "$work/none" --authorized-keys "$work/authorized"
expect "a missing server certificate is named" 1 "" "$work/none: No such file or directory"
tap_run timeout 10 "$WBSERVER" -c "$CONFIG" -d "$work/refused.db" -e "tcp://127.0.0.1:*" \
    --cert "$K/agent01" --authorized-keys "$work/absent"
expect "a missing authorised-keys folder is named" 1 "" "authorised keys $work/absent: No such file"

start_secure_server "$work/server.log" --cert "$K/server_secret" --authorized-keys "$work/authorized"
grep -q "serving on tcp://127.0.0.1:[0-9]* with CURVE" "$work/server.log"
report "the server says that tcp is secured" $?

# ---------------------------------------------------------------- clients

tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" --server-key "$K/server" ping
expect "an authorised key gets in" 0 "EventAck RequestPing"
tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" --server-key "$K/server" \
    submit email-draft@agent01 --subject "Keys" --from anna@example.com
expect "an authorised media server submits" 0
tap_run "$WBCTL" -e "$tcp" --cert "$K/agent01_secret" --server-key "$K/server" -a agent01 content email-draft
expect "a bound key logs in as its agent" 0 "1 interaction"
tap_run "$WBCTL" -e "$tcp" --cert "$K/agent01_secret" --server-key "$K/server" -a agent02 content email-draft
expect "a bound key cannot log in as another agent (1003)" 1 "" \
    "EventError 1003 agent id does not match the client's certificate: agent02"
tap_run "$WBCTL" -e "$tcp" --cert "$K/agent01_secret" --server-key "$K/server" ping
expect "a bound key cannot register a media server (1003)" 1 "" "EventError 1003"
start=$(date +%s)
tap_run "$WBCTL" -e "$tcp" --cert "$K/stranger_secret" --server-key "$K/server" --timeout 30 ping
[ $(($(date +%s) - start)) -lt 10 ] || rc=99
expect "an unknown key gets nowhere, told at once" 3 "" "the server refused our key"
tap_run "$WBCTL" -e "$tcp" --timeout 30 ping
expect "no keys on a secured tcp endpoint: told CURVE is required" 3 "" "requires CURVE"
tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" --server-key "$K/stranger" --timeout 1 ping
expect "a wrong server key: a hint at the server key" 3 "" "is the server key"
tap_run "$WBCTL" -e "$endpoint" ping
expect "ipc stays plain" 0 "EventAck"
tap_run env WB_CERT="$K/media_secret" WB_SERVER_KEY="$K/server" "$WBCTL" -e "$tcp" ping
expect "WB_CERT and WB_SERVER_KEY give the keys" 0 "EventAck"
tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" --server-key "$K/server" \
    play --speed 100 "$EXAMPLES/phase1-get-content.scenario"
expect "play opens every session with the keys" 0
tap_run "$WBCTL" -e "ipc://$work/nobody.ipc,$tcp" --cert "$K/media_secret" --server-key "$K/server" \
    --timeout 1 ping
expect "a list of nodes: the keys serve the next node (tcp) when the first is silent" 0 \
    "EventAck RequestPing" "trying the next endpoint, $tcp"

# ---------------------------------------------------------------- bad key files

tap_run "$WBCTL" -e "$tcp" --cert "$work/none" --server-key "$K/server" ping
expect "a missing certificate is named" 2 "" "$work/none: No such file or directory"
tap_run "$WBCTL" -e "$tcp" --cert "$CONFIG" --server-key "$K/server" ping
expect "a file that is no certificate is named" 2 "" "sample.cfg: not a CURVE certificate"
mkdir "$work/lonely" && cp "$K/media" "$work/lonely/"
tap_run "$WBCTL" -e "$tcp" --cert "$work/lonely/media" --server-key "$K/server" ping
expect "a certificate without its secret key is named" 2 "" "lonely/media: holds no secret key"
tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" ping
expect "--cert without --server-key is a usage error" 2 "" "CURVE needs both --cert FILE"
tap_run "$WBCTL" -e "$tcp" --cert "$K/media_secret" --server-key "$K" ping
expect "a folder as the server key is named" 2 "" "not a regular file"

# ---------------------------------------------------------------- wbconsole

#   console NAME KEY AGENT TEXT: wbconsole headless until the screen shows TEXT.
console () {
    printf 'wait %s\nkey Q\n' "$4" > "$work/$1.script"
    tap_run "$WBCONSOLE" -e "$tcp" -a "$3" --cert "$K/$2" --server-key "$K/server" \
        --script "$work/$1.script" --size 200x24
}
console known agent01_secret agent01 "connected to $tcp as agent01"
expect "wbconsole with its key connects" 0
console unknown stranger_secret agent01 "the server refused our key"
expect "wbconsole with an unknown key says so" 0
console bound agent01_secret agent02 "EventError 1003"
expect "wbconsole with a key bound to another agent: 1003, and it ends in error" 1 "" \
    "wbconsole: the server refused the session: EventError 1003 "
mkdir -p "$XDG_CONFIG_HOME/wbconsole"
printf 'cert %s\nserver-key %s\n' "$K/agent01_secret" "$K/server" > "$XDG_CONFIG_HOME/wbconsole/config"
printf 'wait connected to\nkey Q\n' > "$work/config.script"
tap_run "$WBCONSOLE" -e "$tcp" -a agent01 --script "$work/config.script" --size 200x24
expect "wbconsole takes its keys from the config file" 0
tap_run "$WBCONSOLE" -e "$tcp" -a agent01 --cert "$work/none" --script "$work/config.script"
expect "wbconsole names a missing certificate" 1 "" "$work/none: No such file or directory"

# ---------------------------------------------------------------- --insecure

kill "$server_pid" && wait "$server_pid"
start_secure_server "$work/insecure.log" --insecure
grep -q "without CURVE (--insecure)" "$work/insecure.log"
report "--insecure serves tcp, and says so" $?
tap_run "$WBCTL" -e "$tcp" ping
expect "--insecure: a client without keys gets in" 0 "EventAck"

tap_end
