/*  wbconsole: the ncurses agent console. Usage: wbconsole --help.

    One loop polls the server's socket and the keyboard together; keys and
    messages only change the model, and the view draws what is dirty once
    per pass. With --script the console runs headless on a virtual screen,
    reading its keys from a file and dumping the screen as text (screen
    tests, the way tig tests itself). Script lines:
        key NAME...        keys by name (j, Tab, Enter, C-l...)
        type TEXT          each character of TEXT as a key
        wait TEXT          run until the screen shows TEXT (10 s at most)
        run COMMAND        a shell command (say, wbctl submit ...)
        resize COLS LINES  as if the terminal were resized
        dump [FILE]        the screen as text, to FILE or stdout
*/
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include "config.h"
#include "wbc_app.h"
#include "wbc_config.h"
#include "wbc_view.h"
#include "wb_client.h"
#include "wb_clock.h"
#include "wb_prelude.h"
#include "wb_protocol.h"
#include "wb_security.h"

#define SCRIPT_WAIT_MS 10000        /* a script's wait, unless wait-limit says */
#define SCRIPT_WAIT_LIMIT_S 3600

static volatile sig_atomic_t s_stop_signal = 0;

static void
s_on_signal (int signal_number)
{
    s_stop_signal = signal_number;
}

static const char *s_usage =
    "Usage: wbconsole [-e ENDPOINT] -a AGENT [-p PLACE] [-t TENANT] [--theme NAME]\n"
    "                 [--open WB]... [options]\n"
    "The workbin console: workbins side by side, live changes, every reply on the\n"
    "status line, and the message trace.\n"
    "\n"
    "  -e, --endpoint ENDPOINT  the server (default $WB_ENDPOINT, else " WB_DEFAULT_ENDPOINT ");\n"
    "                           the nodes of a site as a list, ipc://a,ipc://b, or -e\n"
    "                           again for each: one at a time, the next when one is silent\n"
    "  -a, --agent AGENT        log in as AGENT (required, here or in the config)\n"
    "  -p, --place PLACE        log in at PLACE (default: the agent's own)\n"
    "  -t, --tenant TENANT      tenant id (default " WB_DEFAULT_TENANT_TEXT ")\n"
    "  -o, --open WB            open TYPE or TYPE@OWNER at start; repeatable\n"
    "      --no-watch           do not subscribe to panes as they open\n"
    "      --board              start on the board of every workbin you see (b)\n"
    "      --theme NAME         colour theme: default, light, dark, mono, high-contrast\n"
    "                           or a file path\n"
    "      --cert FILE          our CURVE certificate, secret half, for a network endpoint\n"
    "                           (default $WB_CERT; make one with: wbctl keygen NAME)\n"
    "      --server-key FILE    the server's public certificate (default $WB_SERVER_KEY)\n"
    "  -c, --config FILE        settings file (default $XDG_CONFIG_HOME/wbconsole/config)\n"
    "      --log FILE           write CZMQ's log to FILE (default: no log)\n"
    "      --script FILE        run headless: keys from FILE, no terminal needed\n"
    "      --size COLSxLINES    headless screen size (default 120x40)\n"
    "      --clock TIME         pin the wall clock at TIME (yyyy-MM-ddTHH:mm:ssZ): ages\n"
    "                           and dates read it (screen tests; said on the status line)\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "Inside: ? lists every key; :help lists the commands. NO_COLOR or TERM=dumb\n"
    "give a display with attributes only.\n";

typedef struct {
    wbc_config_t config;
    const char *config_path;
    const char *log_path;
    const char *script_path;
    int columns, lines;
    const char *cli_open [WBC_CONFIG_OPEN_MAX];
    size_t cli_open_count;
    const char *cli_endpoint, *cli_agent, *cli_place, *cli_theme, *cli_cert, *cli_server_key;
    char cli_endpoints [WBC_CONFIG_VALUE_MAX];  /* each -e joined into one list */
    int64_t cli_tenant;
    bool no_watch;
    bool board;                 /* --board: start on the board */
} s_options_t;

static int
s_usage_error (const char *problem, const char *value)
{
    fprintf (stderr, "wbconsole: %s%s%s\nTry 'wbconsole --help'.\n", problem, value ? " " : "",
             value ? value : "");
    return 2;
}

// ---------------------------------------------------------------- options

//  -e again adds a node to the list: "ipc://a,ipc://b".
static int
s_add_endpoint (s_options_t *options, const char *value)
{
    char *list = options->cli_endpoints;
    size_t length = strlen (list);
    if (length + strlen (value) + 2 > sizeof (options->cli_endpoints))
        return s_usage_error ("the endpoints are too long together, at", value);
    snprintf (list + length, sizeof (options->cli_endpoints) - length, "%s%s", length ? "," : "", value);
    options->cli_endpoint = list;
    return 0;
}

static int
s_parse_option (s_options_t *options, int option, const char *value)
{
    char *end = NULL;
    switch (option) {
        case 'e': return s_add_endpoint (options, value);
        case 'a': options->cli_agent = value; return 0;
        case 'p': options->cli_place = value; return 0;
        case 'c': options->config_path = value; return 0;
        case 'L': options->log_path = value; return 0;
        case 's': options->script_path = value; return 0;
        case 'T': options->cli_theme = value; return 0;
        case 'W': options->no_watch = true; return 0;
        case 'B': options->board = true; return 0;
        case 'C': options->cli_cert = value; return 0;
        case 'K': options->cli_server_key = value; return 0;
        case 'w':
            return wb_clock_pin_text (value)
                 ? s_usage_error ("--clock takes a UTC time yyyy-MM-ddTHH:mm:ssZ, not", value) : 0;
        case 'o':
            if (options->cli_open_count == WBC_CONFIG_OPEN_MAX)
                return s_usage_error ("too many --open", NULL);
            options->cli_open [options->cli_open_count++] = value;
            return 0;
        case 't':
            options->cli_tenant = strtoll (value, &end, 10);
            return *end || options->cli_tenant <= 0 ? s_usage_error ("bad tenant", value) : 0;
        case 'S':
            if (sscanf (value, "%dx%d", &options->columns, &options->lines) != 2
            ||  options->columns < 10 || options->lines < 5 || options->columns > 1000 || options->lines > 500)
                return s_usage_error ("--size takes COLSxLINES, like 120x40, not", value);
            return 0;
    }
    return 2;
}

//  Parse argv; return -1 to go on, or an exit status.
static int
s_parse_arguments (int argc, char *argv [], s_options_t *options)
{
    static const struct option long_options [] = {
        { "endpoint", required_argument, NULL, 'e' }, { "agent", required_argument, NULL, 'a' },
        { "place", required_argument, NULL, 'p' }, { "tenant", required_argument, NULL, 't' },
        { "open", required_argument, NULL, 'o' }, { "theme", required_argument, NULL, 'T' },
        { "config", required_argument, NULL, 'c' }, { "log", required_argument, NULL, 'L' },
        { "script", required_argument, NULL, 's' }, { "size", required_argument, NULL, 'S' },
        { "no-watch", no_argument, NULL, 'W' }, { "help", no_argument, NULL, 'h' },
        { "board", no_argument, NULL, 'B' },
        { "version", no_argument, NULL, 'V' }, { "cert", required_argument, NULL, 'C' },
        { "server-key", required_argument, NULL, 'K' }, { "clock", required_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    options->columns = 120;
    options->lines = 40;
    int option;
    while ((option = getopt_long (argc, argv, "e:a:p:t:o:c:hV", long_options, NULL)) != -1) {
        if (option == 'h') {
            fputs (s_usage, stdout);
            return 0;
        }
        if (option == 'V') {
            printf ("wbconsole %s\n", PACKAGE_VERSION);
            return 0;
        }
        if (option == '?' || s_parse_option (options, option, optarg))
            return 2;
    }
    if (optind < argc)
        return s_usage_error ("unexpected argument", argv [optind]);
    return -1;
}

//  Config file first, then the command line over it.
static int
s_settle_settings (s_options_t *options, wbc_keys_t *keys)
{
    wbc_config_t *config = &options->config;
    wbc_config_defaults (config);
    char path [1024], error [1400];
    if (options->config_path)
        snprintf (path, sizeof (path), "%s", options->config_path);
    else
        wbc_config_default_path (path, sizeof (path));
    if (wbc_config_load (config, keys, path, options->config_path == NULL, error, sizeof (error))) {
        fprintf (stderr, "wbconsole: %s\n", error);
        return 1;
    }
    const char *overrides [][2] = {
        { options->cli_endpoint, config->endpoint }, { options->cli_agent, config->agent },
        { options->cli_place, config->place }, { options->cli_theme, config->theme },
        { options->cli_cert, config->cert }, { options->cli_server_key, config->server_key },
    };
    for (size_t index = 0; index < WB_COUNT_OF (overrides); index++)
        if (overrides [index][0])
            snprintf ((char *) overrides [index][1], WBC_CONFIG_VALUE_MAX, "%s", overrides [index][0]);
    if (options->cli_tenant)
        config->tenant = options->cli_tenant;
    if (options->no_watch)
        config->watch = false;
    for (size_t index = 0; index < options->cli_open_count; index++)
        wbc_config_add_open (config, options->cli_open [index]);
    if (!*config->agent)
        return s_usage_error ("no agent: give one with -a AGENT (or 'agent' in the config)", NULL);
    return -1;
}

// ---------------------------------------------------------------- theme

//  Load a theme by name from the user's folder or the shipped ones.
static int
s_load_theme (wbc_theme_t *theme, const char *name, char *error, size_t size)
{
    const char *folders [] = { WB_THEMES_DIR, WB_SOURCE_THEMES_DIR, "themes", NULL };
    char *path = wbc_theme_find_file (name, folders, error, size);
    if (!path)
        return -1;
    wbc_theme_t *fresh = wbc_theme_new ();
    int rc = wbc_theme_load (fresh, path, error, size);
    if (rc == 0)
        rc = wbc_theme_load (theme, path, error, size);
    wbc_theme_destroy (&fresh);
    free (path);
    return rc;
}

//  No colour when NO_COLOR is set, TERM is dumb, or the mono theme is asked.
static bool
s_colour_wanted (const char *theme)
{
    const char *term = getenv ("TERM");
    const char *no_color = getenv ("NO_COLOR");
    return !(no_color && *no_color) && !(term && strcmp (term, "dumb") == 0)
        && strcmp (theme, "mono") != 0;
}

// ---------------------------------------------------------------- the loop

typedef struct {
    wbc_model_t *model;
    wbc_session_t *session;
    wbc_keys_t *keys;
    wbc_app_t *app;
    wbc_view_t *view;
    wbc_theme_t *theme;
    FILE *script;
    int script_line;
    int64_t script_wait_ms;      /* how long a wait may run (wait-limit) */
    int status;                  /* exit status */
    char refusal [2 * WBC_TEXT_MAX]; /* why the server refused the session, if it did */
    int64_t last_tick_ms;        /* when ages were last redrawn */
} s_console_t;

//  Wait for the socket or the keyboard (not in script mode), at most ms.
static void
s_wait (s_console_t *console, int ms)
{
    zmq_pollitem_t items [3] = {
        { zsock_resolve (wbc_session_socket (console->session)), 0, ZMQ_POLLIN, 0 },
    };
    int count = 1;
    zsock_t *monitor = wbc_session_monitor_socket (console->session);
    if (monitor)
        items [count++] = (zmq_pollitem_t) { zsock_resolve (monitor), 0, ZMQ_POLLIN, 0 };
    if (!console->script)
        items [count++] = (zmq_pollitem_t) { NULL, STDIN_FILENO, ZMQ_POLLIN, 0 };
    //  a signal during the wait means "go read the keyboard", never "exit"
    zmq_poll (items, count, ms);
}

static void
s_apply_theme_request (s_console_t *console)
{
    wbc_ui_t *ui = wbc_app_ui (console->app);
    if (!*ui->theme_request)
        return;
    char error [512];
    if (s_load_theme (console->theme, ui->theme_request, error, sizeof (error)))
        wbc_model_status (console->model, WBC_LEVEL_ERROR, wb_clock_wall_ms (), "%s", error);
    else {
        wbc_view_set_theme (console->view, console->theme);
        wbc_view_set_colour (console->view, s_colour_wanted (ui->theme_request));
        wbc_model_status (console->model, WBC_LEVEL_INFO, wb_clock_wall_ms (), "theme %s", ui->theme_request);
    }
    ui->theme_request [0] = 0;
    wbc_model_mark (console->model, WBC_DIRTY_LAYOUT);
}

//  Tell the app the terminal's size (it lays the screen out again if the
//  size changed).
static void
s_sync_size (s_console_t *console)
{
    int columns, lines;
    wbc_view_size (console->view, &columns, &lines);
    wbc_app_resize (console->app, columns, lines);
}

//  Settle the layout and the scrolls in the app, then draw what is dirty.
static void
s_draw (s_console_t *console, int64_t now)
{
    s_sync_size (console);
    //  the node it is on, for the key hint and the status line
    if (wbc_view_set_node (console->view, wbc_session_endpoint (console->session),
                           wbc_session_endpoint_count (console->session)))
        wbc_model_mark (console->model, WBC_DIRTY_STATUS | WBC_DIRTY_PANES);
    wbc_app_settle (console->app);
    wbc_view_draw (console->view, console->model, wbc_app_ui (console->app),
                   wbc_app_layout (console->app), console->keys, now, wb_clock_wall_ms ());
}

//  A login the server refused for good (an unknown agent): the console
//  ends at once if it was never connected, as there is nothing to show;
//  after a session, it stays for the user to read, and ends in error.
static void
s_note_refusal (s_console_t *console)
{
    const char *refusal = wbc_session_refusal (console->session);
    snprintf (console->refusal, sizeof (console->refusal), "%s", refusal ? refusal : "");
    if (refusal && !wbc_session_ever_connected (console->session))
        wbc_app_ui (console->app)->quit = true;
}

//  One pass: network, clock, keys, then draw. ms: how long to wait.
static void
s_pass (s_console_t *console, int ms)
{
    int64_t now = wb_mono_ms ();
    int wait = wbc_session_wait_ms (console->session, now);
    s_wait (console, wait < ms ? wait : ms);
    now = wb_mono_ms ();
    wbc_session_receive (console->session, now);
    wbc_session_tick (console->session, now);
    if (!console->script)
        for (int key = wbc_view_read_key (console->view); key != WBC_KEY_NONE;
             key = wbc_view_read_key (console->view)) {
            if (key == WBC_KEY_RESIZE) {
                s_sync_size (console);
                wbc_model_mark (console->model, WBC_DIRTY_LAYOUT);
            }
            else
            if (key == WBC_KEY_MOUSE) {
                wbc_mouse_t event = wbc_view_mouse (console->view);
                wbc_app_mouse (console->app, &event, now);
            }
            else
                wbc_app_key (console->app, key, now);
        }
    s_note_refusal (console);
    s_apply_theme_request (console);
    //  ages and highlights change with time: redraw panes every second
    if (now - console->last_tick_ms >= 1000) {
        wbc_model_mark (console->model, WBC_DIRTY_PANES | WBC_DIRTY_STATUS);
        console->last_tick_ms = now;
    }
    s_draw (console, now);
}

static int
s_run_interactive (s_console_t *console)
{
    wbc_ui_t *ui = wbc_app_ui (console->app);
    while (!ui->quit && !s_stop_signal)
        s_pass (console, 1000);
    return 0;
}

// ---------------------------------------------------------------- script

//  Run passes until the screen shows text, or the deadline: 0 or -1.
static int
s_script_wait (s_console_t *console, const char *text)
{
    int64_t deadline = wb_mono_ms () + (console->script_wait_ms ? console->script_wait_ms
                                                                : SCRIPT_WAIT_MS);
    bool *quit = &wbc_app_ui (console->app)->quit;
    while (wb_mono_ms () < deadline && !s_stop_signal && !*quit) {
        s_pass (console, 50);
        if (wbc_view_contains (console->view, text))
            return 0;
    }
    return *quit ? 0 : -1;          //  the console ended (a refused login): the script too
}

//  How long the waits that follow may run: whole seconds, 1 to an hour;
//  -3 if the argument is not that.
static int
s_script_wait_limit (s_console_t *console, const char *argument)
{
    char *end = NULL;
    long seconds = strtol (argument, &end, 10);
    if (end == argument || *end || seconds < 1 || seconds > SCRIPT_WAIT_LIMIT_S)
        return -3;
    console->script_wait_ms = seconds * 1000;
    return 0;
}

static int
s_script_dump (s_console_t *console, const char *path)
{
    FILE *file = strcmp (path, "-") ? fopen (path, "w") : stdout;
    if (!file)
        return -1;
    wbc_view_dump (console->view, file);
    return file == stdout ? fflush (file) : fclose (file);
}

//  Send each key named in a space-separated list.
static int
s_script_keys (s_console_t *console, char *names)
{
    for (char *name = strtok (names, " "); name; name = strtok (NULL, " ")) {
        int key = wbc_key_parse (name);
        if (key == WBC_KEY_NONE)
            return -1;
        wbc_app_key (console->app, key, wb_mono_ms ());
        s_pass (console, 0);
    }
    return 0;
}

//  Send each character of a text as a key.
static int
s_script_type (s_console_t *console, const char *text)
{
    mbstate_t state;
    memset (&state, 0, sizeof (state));
    for (size_t length; *text; text += length) {
        wchar_t character;
        length = mbrtowc (&character, text, strlen (text), &state);
        if (length == 0 || length > 4)
            return -1;
        wbc_app_key (console->app, (int) character, wb_mono_ms ());
        s_pass (console, 0);
    }
    return 0;
}

//  Replace $NAME (capitals, digits, _) by the environment's value.
static void
s_expand (const char *text, char *out, size_t size)
{
    size_t length = 0;
    while (*text && length + 1 < size) {
        size_t name_length = *text == '$' ? strspn (text + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") : 0;
        if (name_length == 0) {
            out [length++] = *text++;
            continue;
        }
        char name [64];
        snprintf (name, sizeof (name), "%.*s", (int) name_length, text + 1);
        const char *value = getenv (name);
        length += (size_t) snprintf (out + length, size - length, "%s", value ? value : "");
        if (length >= size)
            length = size - 1;
        text += name_length + 1;
    }
    out [length] = 0;
}

//  Move the pinned clock forward by a duration: a number and s, m, h or d.
static int
s_script_advance (s_console_t *console, const char *duration)
{
    static const struct { char unit; int64_t ms; } units [] = {
        { 's', 1000 }, { 'm', 60 * 1000 }, { 'h', 3600 * 1000 }, { 'd', 86400 * 1000 },
    };
    char unit = 0, rest = 0;
    long long count = 0;
    if (sscanf (duration, "%lld%c%c", &count, &unit, &rest) != 2 || count < 0 || count > 36500)
        return -1;
    for (size_t index = 0; index < WB_COUNT_OF (units); index++)
        if (units [index].unit == unit) {
            if (wb_clock_advance (count * units [index].ms))
                return -1;      //  the clock is not pinned (no --clock)
            wbc_model_mark (console->model, WBC_DIRTY_PANES | WBC_DIRTY_STATUS);
            s_pass (console, 0);
            return 0;
        }
    return -1;
}

//  A mouse event: 'click X Y', 'wheel up X Y' or 'wheel down X Y' (cells
//  from the top left, from 0).
static int
s_script_mouse (s_console_t *console, const char *command, const char *argument)
{
    wbc_mouse_t event = { WBC_MOUSE_CLICK, 0, 0 };
    char direction [8] = "", rest = 0;
    if (strcmp (command, "click") == 0) {
        if (sscanf (argument, "%d %d %c", &event.x, &event.y, &rest) != 2)
            return -1;
    }
    else {
        if (sscanf (argument, "%7s %d %d %c", direction, &event.x, &event.y, &rest) != 3
        ||  (strcmp (direction, "up") && strcmp (direction, "down")))
            return -1;
        event.kind = strcmp (direction, "up") == 0 ? WBC_MOUSE_WHEEL_UP : WBC_MOUSE_WHEEL_DOWN;
    }
    if (event.x < 0 || event.y < 0)
        return -1;
    wbc_app_mouse (console->app, &event, wb_mono_ms ());
    s_pass (console, 0);
    return 0;
}

static int
s_script_step (s_console_t *console, char *command, char *raw_argument)
{
    char argument [2048];
    //  'run' is given to the shell, which expands variables itself
    if (strcmp (command, "run") == 0)
        snprintf (argument, sizeof (argument), "%s", raw_argument);
    else
        s_expand (raw_argument, argument, sizeof (argument));
    int columns, lines;
    if (strcmp (command, "key") == 0)
        return s_script_keys (console, argument);
    if (strcmp (command, "type") == 0)
        return s_script_type (console, argument);
    if (strcmp (command, "wait") == 0)
        return s_script_wait (console, argument);
    if (strcmp (command, "run") == 0)      //  a shell command, e.g. a wbctl submit
        return system (argument) == 0 ? 0 : -1;
    if (strcmp (command, "dump") == 0)
        return s_script_dump (console, *argument ? argument : "-");
    if (strcmp (command, "wait-limit") == 0)   //  e.g. 'wait-limit 60' for a long load
        return s_script_wait_limit (console, argument);
    if (strcmp (command, "advance") == 0)  //  the pinned clock, e.g. 'advance 2h'
        return s_script_advance (console, argument);
    if (strcmp (command, "click") == 0 || strcmp (command, "wheel") == 0)
        return s_script_mouse (console, command, argument);
    if (strcmp (command, "resize") == 0 && sscanf (argument, "%d %d", &columns, &lines) == 2) {
        wbc_view_resize (console->view, columns, lines);
        s_sync_size (console);
        wbc_model_mark (console->model, WBC_DIRTY_LAYOUT);
        s_pass (console, 0);
        return 0;
    }
    return -2;
}

static int
s_run_script (s_console_t *console, const char *path)
{
    char line [1024];
    while (fgets (line, sizeof (line), console->script) && !s_stop_signal) {
        console->script_line++;
        line [strcspn (line, "\r\n")] = 0;
        char *command = line + strspn (line, " ");
        if (!*command || *command == '#')
            continue;
        size_t length = strcspn (command, " ");
        char *argument = command + length + (command [length] ? 1 : 0);
        command [length] = 0;
        int rc = s_script_step (console, command, argument);
        if (rc) {
            fprintf (stderr, "wbconsole: %s:%d: %s %s: %s\n", path, console->script_line, command,
                     argument, rc == -2 ? "unknown script command"
                             : rc == -3 ? "wants whole seconds, 1 to 3600"
                             : "failed (screen below)");
            if (rc == -1)
                wbc_view_dump (console->view, stderr);
            return 3;
        }
        if (wbc_app_ui (console->app)->quit)
            break;
    }
    return 0;
}

// ---------------------------------------------------------------- main

static void
s_quiet_czmq (const char *log_path)
{
    zsys_handler_set (NULL);            //  our handler, not CZMQ's
    zsys_init ();
    zsys_set_logsystem (false);
    FILE *log = log_path ? fopen (log_path, "a") : NULL;
    zsys_set_logstream (log);           //  never the terminal
    struct sigaction action;
    memset (&action, 0, sizeof (action));
    action.sa_handler = s_on_signal;
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGHUP, &action, NULL);
}

//  Load our certificate and the server's key for the session's client.
//  Return 0, or -1 after saying which file is wrong.
static int
s_load_keys (const wbc_config_t *config)
{
    if (!*config->cert && !*config->server_key)
        return 0;
    char error [1024] = "CURVE needs both --cert FILE (ours, secret half) and --server-key FILE "
                        "(the server's public certificate), or 'cert' and 'server-key' in the config";
    char server_key [WB_SECURITY_KEY_TEXT + 1];
    zcert_t *cert = *config->cert && *config->server_key
                  ? wb_security_load_secret (config->cert, error, sizeof (error)) : NULL;
    int rc = cert ? wb_security_load_public (config->server_key, server_key, error, sizeof (error)) : -1;
    if (rc == 0)
        wb_client_set_default_keys (cert, server_key);
    else
        fprintf (stderr, "wbconsole: %s\n", error);
    zcert_destroy (&cert);
    return rc;
}

static int
s_start (s_console_t *console, s_options_t *options)
{
    char error [1024];
    wbc_config_t *config = &options->config;
    console->theme = wbc_theme_new ();
    if (s_load_theme (console->theme, config->theme, error, sizeof (error))) {
        fprintf (stderr, "wbconsole: %s\n", error);
        return 1;
    }
    if (options->script_path && !(console->script = fopen (options->script_path, "r"))) {
        fprintf (stderr, "wbconsole: cannot read %s: %s\n", options->script_path, strerror (errno));
        return 1;
    }
    if (!options->script_path && (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO))) {
        fprintf (stderr, "wbconsole: needs a terminal (or --script FILE to run headless)\n");
        return 1;
    }
    const char *open [WBC_CONFIG_OPEN_MAX + 1] = { NULL };
    for (size_t index = 0; index < config->open_count; index++)
        open [index] = config->open [index];
    wbc_session_options_t session = { config->endpoint, config->agent, *config->place ? config->place : NULL,
                                      config->tenant, open, config->watch };
    if (wb_client_check_endpoints (config->endpoint, error, sizeof (error)))
        return s_usage_error (error, NULL);
    if (s_load_keys (config))
        return 1;
    wb_client_set_watch_handshakes (true);
    wb_client_set_watch_connections (true);
    console->model = wbc_model_new ();
    for (size_t index = 0; index < config->columns_count; index++)
        wbc_model_set_columns (console->model, config->columns_type [index], config->columns [index]);
    console->session = wbc_session_new (console->model, &session);
    if (!console->session) {
        fprintf (stderr, "wbconsole: bad endpoint %s\n", config->endpoint);
        return 1;
    }
    console->app = wbc_app_new (console->model, console->session, console->keys);
    wbc_app_ui (console->app)->board = options->board;
    wbc_app_ui (console->app)->board_warn_s = config->board_warn_s;
    wbc_app_ui (console->app)->board_alert_s = config->board_alert_s;
    wbc_trace_view_set_chatter (wbc_model_trace_view (console->model), config->trace_chatter);
    console->view = wbc_view_new (options->script_path != NULL, options->columns, options->lines,
                                  s_colour_wanted (config->theme), config->mouse);
    if (!console->view) {
        fprintf (stderr, "wbconsole: cannot start the terminal (TERM=%s)\n", getenv ("TERM") ? getenv ("TERM") : "");
        return 1;
    }
    wbc_view_set_theme (console->view, console->theme);
    s_sync_size (console);
    char pinned [WB_CLOCK_TIMESTAMP_SIZE];
    if (wb_clock_pinned () && wb_clock_now_text (pinned, sizeof (pinned)) == 0)
        wbc_model_status (console->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "the wall clock is pinned at %s (--clock)", pinned);
    if (wbc_view_fallback (console->view))
        wbc_model_status (console->model, WBC_LEVEL_INFO, wb_clock_wall_ms (),
                          "TERM=%s cannot place the cursor: drawing as vt100, without colour",
                          getenv ("TERM") ? getenv ("TERM") : "");
    return 0;
}

static void
s_finish (s_console_t *console)
{
    wbc_view_destroy (&console->view);   //  the terminal first, as it was
    wbc_session_close (console->session, 500);
    wbc_app_destroy (&console->app);
    wbc_session_destroy (&console->session);
    wbc_model_destroy (&console->model);
    wbc_theme_destroy (&console->theme);
    wbc_keys_destroy (&console->keys);
    wb_client_set_default_keys (NULL, NULL);
    if (console->script)
        fclose (console->script);
}

int
main (int argc, char *argv [])
{
    setlocale (LC_ALL, "");
    static s_options_t options;
    s_console_t console = { 0 };
    console.keys = wbc_keys_new ();
    int status = s_parse_arguments (argc, argv, &options);
    if (status < 0)
        status = s_settle_settings (&options, console.keys);
    if (status >= 0) {
        wbc_keys_destroy (&console.keys);
        return status;
    }
    s_quiet_czmq (options.log_path);
    status = s_start (&console, &options);
    if (status == 0)
        status = console.script ? s_run_script (&console, options.script_path)
                                : s_run_interactive (&console);
    s_finish (&console);
    if (*console.refusal && status == 0) {
        fprintf (stderr, "wbconsole: the server refused the session: %s\n", console.refusal);
        status = 1;
    }
    if (s_stop_signal && status == 0)
        status = 128 + s_stop_signal;
    zsys_shutdown ();
    return status == 128 + SIGINT || status == 128 + SIGTERM ? 0 : status;
}
