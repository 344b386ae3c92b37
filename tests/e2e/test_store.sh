#!/bin/sh
#   wbserver's store options end to end: --store URI, its shorthands -d FILE
#   and --sync MODE, the mixes that are usage errors (exit 2), and what a
#   bad URI says (exit 1: the URI and what is wrong). Prints TAP.
set -u
. "$(dirname "$0")/../lib/tap-lib.sh"
tap_require "$WBCTL" "$WBSERVER"
tap_workdir wbstore
tap_details () {
    tap_command_details
}
known='(known schemes: sqlite:PATH\[?synchronous=normal|full\], postgresql:CONNINFO\[?schema=NAME&...\])'

#   server OPTION...: wbserver on $endpoint with the sample directory.
server () {
    tap_run "$WBSERVER" -c "$CONFIG" -e "$endpoint" "$@"
}

#   start OPTION...: the same in the background, log in $work/server.log;
#   0 once it answers. stop: SIGTERM, and wait until it is gone.
start () {
    "$WBSERVER" -c "$CONFIG" -e "$endpoint" -l "$work/server.log" "$@" \
        > "$work/server.out" 2>&1 &
    server_pid=$!
    tap_track "$server_pid"
    tap_server_ready
}
stop () {
    kill "$server_pid"
    wait "$server_pid" 2> /dev/null
}

# ------------------------------------------------------------- usage

server --store "sqlite:$work/a.db" -d "$work/b.db"
expect "--store with -d is a usage error" 2 '' 'give --store URI or -d FILE, not both'
server --store "postgresql:dbname=workbin" --sync full
expect "--sync with a store that is not sqlite is a usage error" 2 '' \
    '--sync applies to sqlite: stores only, not to postgresql:dbname=workbin'
server --store "sqlite:$work/a.db?synchronous=normal" --sync full
expect "--sync with the URI's own synchronous option is a usage error" 2 '' \
    "--sync repeats the synchronous option of sqlite:$work/a.db?synchronous=normal"
server -d "$work/a.db" --sync fast
expect "--sync takes normal or full" 2 '' '--sync takes normal or full, not fast'
server -d "$work/a.db" --page-cache 4097
expect "--page-cache takes MiB from 0 to 4096" 2 '' '--page-cache takes MiB from 0 to 4096, not 4097'

# ------------------------------------------------------------- bad URIs

server --store "postgres:dbname=workbin"
expect "an unknown scheme is named, with the known ones" 1 '' \
    "cannot open store postgres:dbname=workbin: unknown scheme 'postgres' $known"
server --store "$work/a.db"
expect "a path is not a URI: no scheme, the known ones listed" 1 '' \
    "cannot open store $work/a.db: no scheme: a store URI is SCHEME:TARGET $known"
server --store "sqlite:$work/a.db?synchronous=fast"
expect "a wrong option value is named" 1 '' \
    "cannot open store sqlite:$work/a.db?synchronous=fast: option synchronous takes normal or full, not 'fast'"
server --store "sqlite:$work/a.db?cache=shared"
expect "an unknown option is named" 1 '' \
    "cannot open store sqlite:$work/a.db?cache=shared: unknown option 'cache' (known: synchronous)"
server --store "sqlite:"
expect "a URI without a path says so" 1 '' 'cannot open store sqlite:: no database path'
server --store "postgresql:dbname=workbin?pool=4"
expect "an unknown postgresql option is named" 1 '' \
    "cannot open store postgresql:dbname=workbin?pool=4: unknown option 'pool' (known: schema, statement_timeout, lock_timeout)"
server --store "postgresql:dbname=workbin hots=x"
expect "an unknown libpq keyword is named" 1 '' \
    'cannot open store postgresql:dbname=workbin hots=x: connection info: invalid connection option "hots"'
server --store "postgresql:host=$work/nowhere dbname=workbin"
expect "a PostgreSQL server that cannot be reached: libpq's reason" 1 '' \
    "cannot open store postgresql:host=$work/nowhere dbname=workbin: connection to server on socket \"$work/nowhere/.s.PGSQL.5432\" failed"
[ ! -e "$work/a.db" ]
report "no store file is made for a bad URI" $?

# ------------------------------------------------------------- the same store

#   A file whose name has the two characters a URI escapes
file="$work/100% sure?.db"
uri="sqlite:$work/100%25 sure%3F.db"
if start --store "$uri?synchronous=full"; then
    report "a server on --store sqlite:PATH?synchronous=full answers" 0
    grep -q "(store $uri?synchronous=full)" "$work/server.log"
    report "its log names the store URI" $?
    tap_run "$WBCTL" -e "$endpoint" submit email-draft@agent01 --subject Kept --from a@example.com
    expect "an interaction is submitted" 0 '^[0-9A-F]\{16\}$'
    id=$(cat "$work/out")
    stop
else
    report "a server on --store sqlite:PATH?synchronous=full answers" 1
    id=none
fi
[ -f "$file" ]
report "the store is the file the escaped path names" $?
if start -d "$file" --sync normal; then
    grep -q "(store $uri?synchronous=normal)" "$work/server.log"
    report "-d FILE --sync normal is sqlite:FILE, escaped, with ?synchronous=normal" $?
    grep -q "workbins' content is kept, up to 32 MiB, current with the changes made here" \
        "$work/server.log"
    report "workbins' content is kept, 32 MiB by default (logged)" $?
    tap_run "$WBCTL" -e "$endpoint" -a agent01 content email-draft
    expect "-d FILE opens the same store as --store sqlite:FILE" 0 "^$id "
    stop
else
    report "a server on -d FILE --sync normal answers" 1
fi

#   Neither --store nor -d: the default file, under XDG_DATA_HOME
XDG_DATA_HOME=$work/xdg
export XDG_DATA_HOME
if start --sync full --page-cache 0; then
    grep -q "(store sqlite:$work/xdg/workbin/workbin.db?synchronous=full)" "$work/server.log"
    report "the default store is sqlite:\$XDG_DATA_HOME/workbin/workbin.db" $?
    grep -q "content pages are read from the store for each request (--page-cache 0)" \
        "$work/server.log"
    report "--page-cache 0: content pages read from the store each time (logged)" $?
    stop
else
    report "a server on the default store answers" 1
fi
[ -f "$work/xdg/workbin/workbin.db" ]
report "the default store's folder and file are made" $?

tap_end
