/*  wbserver: the workbin server. Usage: wbserver --help. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "wb_server.h"
#include "wb_clock.h"
#include "wb_engine.h"
#include "wb_page_cache.h"
#include "wb_security.h"
#include "wb_store.h"

static const char *s_usage =
    "Usage: wbserver -c DIRECTORY [-e ENDPOINT]... [--store URI | -d FILE] [options]\n"
    "Serve workbins over ZeroMQ, kept durably in a store (SQLite or PostgreSQL).\n"
    "\n"
    "  -c, --config FILE        directory of agents, places, groups and workbin\n"
    "                           types (ZPL; see doc/examples/sample.cfg)\n"
    "  -e, --endpoint ENDPOINT  bind here; repeatable (default " WB_DEFAULT_ENDPOINT ")\n"
    "      --store URI          where interactions are kept: an SQLite file,\n"
    "                           sqlite:PATH[?synchronous=normal|full] ('%' and '?'\n"
    "                           in PATH as %25 and %3F); default\n"
    "                           sqlite:$XDG_DATA_HOME/workbin/workbin.db;\n"
    "                           or a PostgreSQL database, shared by several\n"
    "                           servers: postgresql:CONNINFO[?OPTIONS] (a libpq\n"
    "                           conninfo, e.g. 'host=/run/postgresql dbname=wb';\n"
    "                           options schema=NAME, statement_timeout=MS,\n"
    "                           lock_timeout=MS; see wbserver(1))\n"
    "  -d, --database FILE      shorthand for --store sqlite:FILE\n"
    "      --page-cap N         most interactions per content page, 100..10000 (500)\n"
    "      --page-cache MIB     MiB of workbins' content kept to serve again, kept\n"
    "                           current with this server's changes, 0..4096\n"
    "                           (32; 0: none)\n"
    "      --session-timeout S  expire clients silent for S seconds (30)\n"
    "      --sync MODE          shorthand for an sqlite store's ?synchronous=MODE:\n"
    "                           full (the default) or normal\n"
    "      --send-queue N       messages queued per client before it is dropped (10000)\n"
    "      --send-bytes MIB     MiB queued per client before it is dropped, 1..1024 (8)\n"
    "      --max-connections N  connections served at once; more are closed\n"
    "                           (default: half the descriptor limit, less 32)\n"
    "      --cert FILE          the server's certificate (secret half): CURVE on\n"
    "                           network endpoints: all but ipc socket files\n"
    "                           (make one with: wbctl keygen server)\n"
    "      --authorized-keys DIR  the public certificates of the clients let in\n"
    "      --insecure           serve network endpoints (tcp, ws, ipc://@name)\n"
    "                           without CURVE (a trusted network)\n"
    "      --clock TIME         pin the wall clock at TIME (yyyy-MM-ddTHH:mm:ssZ):\n"
    "                           every timestamp reads it (tests; logged)\n"
    "  -l, --log FILE           log to FILE instead of stderr\n"
    "  -v, --verbose            log every message\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "Several nodes (a site that outgrows one machine): create one PostgreSQL\n"
    "database, then start wbserver on each machine with the same -c DIRECTORY and\n"
    "the same --store postgresql:... (each node its own endpoint); give clients\n"
    "the list (wbctl -e A,B,C). Every node serves every workbin: it reads the\n"
    "other nodes' changes from the database and notifies its own clients. An\n"
    "agent logs in once across the site; a node that dies lets its agents log in\n"
    "on another at once; a node whose directory differs refuses to start. While\n"
    "PostgreSQL is away, requests get EventError 28. See wbserver(1), SEVERAL NODES.\n";

typedef struct {
    wb_server_options_t server;
    bool insecure;              /* --insecure: network endpoints without CURVE */
    const char *log_path;
    const char *store;          /* --store URI */
    const char *database;       /* -d FILE: sqlite:FILE */
    const char *sync;           /* --sync MODE: an sqlite store's synchronous=MODE */
    char default_database [PATH_MAX];
    char store_uri [WB_STORE_URI_MAX];
} s_options_t;

static int
s_usage_error (const char *problem, const char *value)
{
    fprintf (stderr, "wbserver: %s%s%s\nTry 'wbserver --help'.\n", problem,
             value ? " " : "", value ? value : "");
    return 2;
}

//  Parse a whole decimal number within bounds; -1 if it is not one.
static int
s_parse_number (const char *text, long long low, long long high, long long *value)
{
    char *end = NULL;
    errno = 0;
    *value = strtoll (text, &end, 10);
    return errno || end == text || *end || *value < low || *value > high ? -1 : 0;
}

//  The default database: $XDG_DATA_HOME/workbin/workbin.db, folder created.
static const char *
s_default_database (char *path, size_t size)
{
    const char *data_home = getenv ("XDG_DATA_HOME");
    const char *home = getenv ("HOME");
    char folder [PATH_MAX - 16];  //  room for "/workbin.db"
    if (data_home && *data_home)
        snprintf (folder, sizeof (folder), "%s/workbin", data_home);
    else
        snprintf (folder, sizeof (folder), "%s/.local/share/workbin", home ? home : ".");
    //  create each missing level, like mkdir -p
    for (char *slash = strchr (folder + 1, '/'); slash; slash = strchr (slash + 1, '/')) {
        *slash = 0;
        mkdir (folder, 0700);
        *slash = '/';
    }
    mkdir (folder, 0700);
    snprintf (path, size, "%s/workbin.db", folder);
    return path;
}

static int
s_parse_long_option (s_options_t *options, int option, const char *value)
{
    long long number = 0;
    switch (option) {
        case 'P':
            if (s_parse_number (value, 100, 10000, &number))
                return s_usage_error ("--page-cap takes a number from 100 to 10000, not", value);
            options->server.page_cap = number;
            return 0;
        case 'G':
            if (s_parse_number (value, 0, 4096, &number))
                return s_usage_error ("--page-cache takes MiB from 0 to 4096, not", value);
            options->server.page_cache_bytes = number ? number << 20 : -1;
            return 0;
        case 'T':
            if (s_parse_number (value, 1, 86400, &number))
                return s_usage_error ("--session-timeout takes seconds from 1 to 86400, not", value);
            options->server.session_timeout_ms = number * 1000;
            return 0;
        case 'S':
            if (strcmp (value, "full") && strcmp (value, "normal"))
                return s_usage_error ("--sync takes normal or full, not", value);
            options->sync = value;
            return 0;
        case 'U': options->store = value; return 0;
        case 'Q':
            if (s_parse_number (value, 10, 10000000, &number))
                return s_usage_error ("--send-queue takes a number from 10 to 10000000, not", value);
            options->server.send_queue = (int) number;
            return 0;
        case 'B':
            if (s_parse_number (value, 1, 1024, &number))
                return s_usage_error ("--send-bytes takes MiB from 1 to 1024, not", value);
            options->server.send_bytes = number << 20;
            return 0;
        case 'M':
            if (s_parse_number (value, 1, 1000000, &number))
                return s_usage_error ("--max-connections takes a number from 1 to 1000000, not",
                                      value);
            options->server.max_connections = (int) number;
            return 0;
        case 'C': options->server.cert_path = value; return 0;
        case 'K': options->server.authorized_keys = value; return 0;
        case 'I': options->insecure = true; return 0;
        case 'W':
            if (wb_clock_pin_text (value))
                return s_usage_error ("--clock takes a UTC time yyyy-MM-ddTHH:mm:ssZ, not", value);
            return 0;
    }
    return s_usage_error ("unknown option", NULL);
}

//  The security rule: a network endpoint (anything but an ipc socket
//  file: tcp, ws, wss, ipc://@abstract) needs the keys, or --insecure
//  said out loud. -1 if the options follow it, else 2 after saying why.
static int
s_check_security (const s_options_t *options)
{
    const wb_server_options_t *server = &options->server;
    if ((server->cert_path != NULL) != (server->authorized_keys != NULL))
        return s_usage_error ("CURVE needs both --cert FILE and --authorized-keys DIR", NULL);
    if (server->cert_path && options->insecure)
        return s_usage_error ("--insecure contradicts --cert: give one or the other", NULL);
    if (server->cert_path || options->insecure)
        return -1;
    const char *fallback [] = { WB_DEFAULT_ENDPOINT, NULL };
    const char *const *endpoints = server->endpoints [0] ? server->endpoints : fallback;
    for (size_t index = 0; endpoints [index]; index++)
        if (wb_security_endpoint_is_network (endpoints [index])) {
            fprintf (stderr, "wbserver: %s would let anyone in: give --cert FILE and "
                     "--authorized-keys DIR (see wbctl keygen), or --insecure on a trusted network\n"
                     "Try 'wbserver --help'.\n", endpoints [index]);
            return 2;
        }
    return -1;
}

//  The rules of --store, -d and --sync: one of --store and -d; --sync for
//  an sqlite store only, and not twice. -1 if the options follow them,
//  else 2 after saying why.
static int
s_check_store_options (const s_options_t *options)
{
    const char *store = options->store;
    if (store && options->database)
        return s_usage_error ("give --store URI or -d FILE, not both", NULL);
    if (options->database && !*options->database)
        return s_usage_error ("-d takes a FILE, not an empty name", NULL);
    if (!store || !options->sync)
        return -1;
    if (strncmp (store, "sqlite:", 7) != 0)
        return s_usage_error ("--sync applies to sqlite: stores only, not to", store);
    const char *query = strchr (store, '?');
    if (query && (strncmp (query, "?synchronous=", 13) == 0 || strstr (query, "&synchronous=")))
        return s_usage_error ("--sync repeats the synchronous option of", store);
    return -1;
}

//  The store URI: --store, or -d FILE, or the default file, with --sync's
//  option added. -1 to go on, or 2 after a usage error.
static int
s_store_uri (s_options_t *options)
{
    if (s_check_store_options (options) != -1)
        return 2;
    char *uri = options->store_uri;
    size_t size = sizeof (options->store_uri);
    int rc = 0;
    if (options->store)
        rc = snprintf (uri, size, "%s", options->store) >= (int) size ? -1 : 0;
    else
        rc = wb_store_sqlite_uri (options->database ? options->database
                                  : s_default_database (options->default_database,
                                                        sizeof (options->default_database)),
                                  uri, size);
    size_t used = strlen (uri);
    if (rc == 0 && options->sync)
        rc = snprintf (uri + used, size - used, "%csynchronous=%s", strchr (uri, '?') ? '&' : '?',
                       options->sync) >= (int) (size - used) ? -1 : 0;
    if (rc)
        return s_usage_error ("the store URI is too long", NULL);
    options->server.store_uri = uri;
    return -1;
}

//  Fill options from argv; return -1 to go on, or an exit status.
static int
s_parse_arguments (int argc, char *argv [], s_options_t *options)
{
    static const struct option long_options [] = {
        { "config", required_argument, NULL, 'c' }, { "endpoint", required_argument, NULL, 'e' },
        { "database", required_argument, NULL, 'd' }, { "log", required_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' }, { "page-cap", required_argument, NULL, 'P' },
        { "session-timeout", required_argument, NULL, 'T' }, { "sync", required_argument, NULL, 'S' },
        { "send-queue", required_argument, NULL, 'Q' }, { "cert", required_argument, NULL, 'C' },
        { "authorized-keys", required_argument, NULL, 'K' }, { "insecure", no_argument, NULL, 'I' },
        { "clock", required_argument, NULL, 'W' }, { "store", required_argument, NULL, 'U' },
        { "send-bytes", required_argument, NULL, 'B' },
        { "max-connections", required_argument, NULL, 'M' },
        { "page-cache", required_argument, NULL, 'G' },
        { NULL, 0, NULL, 0 },
    };
    size_t endpoints = 0;
    int option;
    while ((option = getopt_long (argc, argv, "c:e:d:l:vhV", long_options, NULL)) != -1) {
        switch (option) {
            case 'c': options->server.directory_path = optarg; break;
            case 'd': options->database = optarg; break;
            case 'l': options->log_path = optarg; break;
            case 'v': options->server.verbose = true; break;
            case 'h': fputs (s_usage, stdout); return 0;
            case 'V': printf ("wbserver %s\n", PACKAGE_VERSION); return 0;
            case 'e':
                if (endpoints == WB_ENDPOINTS_MAX - 1)
                    return s_usage_error ("too many endpoints", NULL);
                options->server.endpoints [endpoints++] = optarg;
                break;
            case '?': return 2;
            default:
                if (s_parse_long_option (options, option, optarg))
                    return 2;
        }
    }
    if (optind < argc)
        return s_usage_error ("unexpected argument", argv [optind]);
    if (!options->server.directory_path)
        return s_usage_error ("no directory file: give one with -c FILE "
                              "(for example doc/examples/sample.cfg)", NULL);
    if (s_check_security (options) != -1)
        return 2;
    return s_store_uri (options);
}

//  Raise the soft limit on descriptors to the hard one: each connection
//  takes one, and the connection cap is derived from it. Logged. Below
//  WB_DESCRIPTORS_MIN, refuse to serve (-1, said on stderr): a flood of
//  connections can then take the last descriptors inside libzmq, whose
//  ipc listener aborts the process when accept fails for want of one
//  (seen at 256 under 1,024 bare connections; none at 1,024 under 3,000).
#define WB_DESCRIPTORS_MIN 1024
static int
s_raise_descriptor_limit (void)
{
    struct rlimit limit;
    if (getrlimit (RLIMIT_NOFILE, &limit) == -1)
        return 0;
    rlim_t was = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (was < limit.rlim_max && setrlimit (RLIMIT_NOFILE, &limit) == 0)
        zsys_info ("descriptor limit raised from %llu to %llu", (unsigned long long) was,
                   (unsigned long long) limit.rlim_cur);
    else
        limit.rlim_cur = was;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < WB_DESCRIPTORS_MIN) {
        fprintf (stderr, "wbserver: only %llu files may be open (ulimit -Hn): a flood of "
                 "connections could use them all and crash the server; at least %d are "
                 "needed\n", (unsigned long long) limit.rlim_cur, WB_DESCRIPTORS_MIN);
        return -1;
    }
    return 0;
}

//  The -l log, appended to; created for its owner alone, as it holds
//  what clients send (subjects, names) under -v.
static FILE *
s_open_log (const char *path)
{
    int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    FILE *log = fd >= 0 ? fdopen (fd, "a") : NULL;
    if (fd >= 0 && !log)
        close (fd);
    return log;
}

int
main (int argc, char *argv [])
{
    s_options_t options = { 0 };
    int status = s_parse_arguments (argc, argv, &options);
    if (status >= 0)
        return status;
    zsys_init ();
    zsys_set_logstream (stderr);       //  CZMQ's default is stdout
    if (options.log_path) {
        FILE *log = s_open_log (options.log_path);
        if (!log) {
            fprintf (stderr, "wbserver: cannot open log %s: %s\n", options.log_path, strerror (errno));
            return 1;
        }
        setvbuf (log, NULL, _IOLBF, 0);
        zsys_set_logstream (log);
    }
    zsys_set_logident ("wbserver");
    if (s_raise_descriptor_limit ())
        return 1;
    char error [512] = "";
    wb_server_t *server = wb_server_new (&options.server, error, sizeof (error));
    if (!server) {
        fprintf (stderr, "wbserver: %s\n", error);
        return 1;
    }
    //  a password in the store URI stays out of the log
    char store [WB_STORE_URI_MAX];
    wb_store_uri_masked (options.server.store_uri, store, sizeof (store));
    for (size_t index = 0; wb_server_endpoint (server, index); index++) {
        const char *endpoint = wb_server_endpoint (server, index);
        bool network = wb_security_endpoint_is_network (endpoint);
        zsys_info ("serving on %s%s (store %s)", endpoint,
                   !network ? "" : options.insecure ? " without CURVE (--insecure)" : " with CURVE",
                   store);
    }
    zsys_info ("serving at most %d connections at once", wb_server_connections_served (server));
    int64_t cache = options.server.page_cache_bytes;
    if (cache < 0)
        zsys_info ("content pages are read from the store for each request (--page-cache 0)");
    else
        zsys_info ("workbins' content is kept, up to %" PRId64 " MiB, current with the changes made here",
                   (cache ? cache : (int64_t) WB_PAGE_CACHE_DEFAULT) >> 20);
    char pinned [WB_CLOCK_TIMESTAMP_SIZE];
    if (wb_clock_pinned () && wb_clock_now_text (pinned, sizeof (pinned)) == 0)
        zsys_warning ("the wall clock is pinned at %s (--clock): every timestamp reads it", pinned);
    wb_server_run (server, NULL);
    zsys_info ("stopping");
    wb_server_destroy (&server);
    return 0;
}
