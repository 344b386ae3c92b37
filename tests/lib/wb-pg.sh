#   wb-pg.sh: a private PostgreSQL for a test; source it after tap-lib.sh
#   (and after tap_workdir, whose EXIT trap it extends).
#
#   wb_pg_start: initdb a cluster in a fresh folder under /tmp and start it
#   on a Unix socket in that folder only (no TCP), never the machine's own
#   cluster; exports WB_PG_CONNINFO (a libpq conninfo: host=DIR user=wb
#   dbname=postgres), WB_PG_DIR and WB_PG_BIN. The server is stopped
#   (pg_ctl -m immediate) and its folder removed when the test exits,
#   also when it fails. Debian's server binaries are not on PATH: the
#   newest /usr/lib/postgresql/*/bin is used (WB_PG_BIN overrides).
#
#   Without PostgreSQL's server binaries the test skips unless CI is set:
#   there, a missing PostgreSQL is a failure (./check installs it). The
#   skip is TAP's "1..0 # SKIP REASON" with exit status 0: automake's TAP
#   driver counts it a SKIP, and would count exit 77 an ERROR (77 means
#   skip only to the plain driver). initdb refuses to run as root: as
#   root, the cluster runs as the postgres user (made by Debian's package).
#
#   wb_pg_stop_fast / wb_pg_restart: stop the server as an operator would
#   (pg_ctl stop -m fast: sessions are terminated), start it again.

WB_PG_BIN=${WB_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)}
WB_PG_DIR=
WB_PG_CONNINFO=

#   wb_pg_as COMMAND...: run a server command as the cluster's owner, on
#   the machine's real clock: ./check runs the suite under libfaketime,
#   whose preload PostgreSQL would inherit, and there its lock_timeout and
#   statement_timeout never fire (a test waiting on a row lock hung).
#   The date under test is our programs', not the database's.
wb_pg_as () {
    if [ "$(id -u)" -eq 0 ]; then
        env -u LD_PRELOAD -u FAKETIME setpriv --reuid=postgres --regid=postgres \
            --clear-groups "$@"
    else
        env -u LD_PRELOAD -u FAKETIME "$@"
    fi
}

#   wb_pg_cleanup: stop the server, remove its folder, then what
#   tap-lib.sh cleans up.
wb_pg_cleanup () {
    if [ -n "$WB_PG_DIR" ] && [ -f "$WB_PG_DIR/data/postmaster.pid" ]; then
        wb_pg_as "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
    fi
    [ -n "$WB_PG_DIR" ] && rm -rf "$WB_PG_DIR"
    tap_cleanup
}

#   wb_pg_missing REASON: skip, or fail under CI.
wb_pg_missing () {
    if [ -n "${CI:-}" ]; then
        echo "Bail out! $1 (CI is set: PostgreSQL is required; ./check installs it)"
        exit 1
    fi
    echo "1..0 # SKIP $1 (install the Debian package postgresql)"
    exit 0
}

#   wb_pg_ctl ARGS...: pg_ctl on the private cluster, on its own socket.
wb_pg_ctl () {
    wb_pg_as "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -l "$WB_PG_DIR/pg.log" -w -t 30 \
        -o "-k $WB_PG_DIR -c listen_addresses='' -c client_connection_check_interval=1000" \
        "$@" > /dev/null
}

wb_pg_start () {
    if [ -z "$WB_PG_BIN" ] || [ ! -x "$WB_PG_BIN/initdb" ] || [ ! -x "$WB_PG_BIN/pg_ctl" ]; then
        wb_pg_missing "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres > /dev/null 2>&1; then
        wb_pg_missing "running as root, and there is no postgres user to run PostgreSQL as"
    fi
    WB_PG_DIR=$(mktemp -d /tmp/wbpg.XXXXXX) || exit 1
    trap wb_pg_cleanup EXIT
    chmod 755 "$WB_PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WB_PG_DIR"
    if ! wb_pg_as env LC_ALL=C.UTF-8 "$WB_PG_BIN/initdb" -D "$WB_PG_DIR/data" -U wb -A trust \
            -E UTF8 --no-sync > "$WB_PG_DIR/initdb.log" 2>&1; then
        echo "Bail out! initdb failed"
        sed 's/^/# /' "$WB_PG_DIR/initdb.log"
        exit 1
    fi
    if ! wb_pg_ctl start; then
        echo "Bail out! PostgreSQL did not start"
        sed 's/^/# /' "$WB_PG_DIR/pg.log"
        exit 1
    fi
    WB_PG_CONNINFO="host=$WB_PG_DIR user=wb dbname=postgres"
    export WB_PG_CONNINFO WB_PG_DIR WB_PG_BIN
}

wb_pg_stop_fast () {
    wb_pg_as "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -m fast -w stop > /dev/null
}

wb_pg_restart () {
    wb_pg_ctl start
}
