/*  wbc_config: the console's settings file. See wbc_config.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wbc_config.h"
#include "wbc_columns.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

typedef int (s_setting_fn) (wbc_config_t *config, wbc_keys_t *keys, char *value,
                            char *problem, size_t size);

static int
s_copy (char *target, const char *value, char *problem, size_t size)
{
    if (!*value || strlen (value) >= WBC_CONFIG_VALUE_MAX) {
        snprintf (problem, size, *value ? "value too long" : "missing value");
        return -1;
    }
    strcpy (target, value);
    return 0;
}

static int s_endpoint (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->endpoint, v, p, s); }
static int s_agent (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->agent, v, p, s); }
static int s_place (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->place, v, p, s); }
static int s_theme (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->theme, v, p, s); }
static int s_cert (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->cert, v, p, s); }
static int s_server_key (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) k; return s_copy (c->server_key, v, p, s); }

static int
s_tenant (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    char *end = NULL;
    long long tenant = strtoll (value, &end, 10);
    if (!*value || *end || tenant <= 0) {
        snprintf (problem, size, "tenant must be a positive number, not '%s'", value);
        return -1;
    }
    config->tenant = tenant;
    return 0;
}

static int
s_open (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    if (!*value || wbc_config_add_open (config, value)) {
        snprintf (problem, size, *value ? "too many workbins to open (at most %d)" : "missing workbin",
                  WBC_CONFIG_OPEN_MAX);
        return -1;
    }
    return 0;
}

//  A yes or no setting into *flag; else the problem, naming the setting.
static int
s_yes_no (const char *setting, const char *value, bool *flag, char *problem, size_t size)
{
    if (strcmp (value, "yes") && strcmp (value, "no")) {
        snprintf (problem, size, "%s takes yes or no, not '%s'", setting, value);
        return -1;
    }
    *flag = strcmp (value, "yes") == 0;
    return 0;
}

static int
s_watch (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    return s_yes_no ("watch", value, &config->watch, problem, size);
}

//  A duration: digits and a unit, s, m, h or d ("90s", "2h"), or "0".
static int
s_duration (const char *text, int64_t *seconds)
{
    static const struct { char unit; int64_t seconds; } units [] = {
        { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
    };
    long long count = 0;
    char unit = 0, rest = 0;
    int fields = sscanf (text, "%lld%c%c", &count, &unit, &rest);
    if (fields == 1 && count == 0) {
        *seconds = 0;
        return 0;
    }
    for (size_t index = 0; fields == 2 && count > 0 && count < 100000 && index < 4; index++)
        if (units [index].unit == unit) {
            *seconds = count * units [index].seconds;
            return 0;
        }
    return -1;
}

//  board-age WARN ALERT: the ages of a workbin's oldest interaction from
//  which the board shows it in the board-warn, then board-alert colours.
static int
s_board_age (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    char warn [32] = "", alert [32] = "", rest [2] = "";
    int64_t warn_s = 0, alert_s = 0;
    if (sscanf (value, "%31s %31s %1s", warn, alert, rest) != 2
    ||  s_duration (warn, &warn_s) || s_duration (alert, &alert_s)
    ||  (warn_s && alert_s && alert_s < warn_s)) {
        snprintf (problem, size, "usage: board-age WARN ALERT, two durations such as 1h 4h "
                  "(s, m, h, d; 0: none), the second not below the first");
        return -1;
    }
    config->board_warn_s = warn_s;
    config->board_alert_s = alert_s;
    return 0;
}

static int
s_mouse (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    return s_yes_no ("mouse", value, &config->mouse, problem, size);
}

static int
s_trace_chatter (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    return s_yes_no ("trace-chatter", value, &config->trace_chatter, problem, size);
}

static int
s_columns (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    char *space = strchr (value, ' ');
    if (!space || config->columns_count == WBC_CONFIG_OPEN_MAX) {
        snprintf (problem, size, space ? "too many column settings" : "usage: columns TYPE NAME,NAME...");
        return -1;
    }
    *space = 0;
    size_t index = config->columns_count;
    if (s_copy (config->columns_type [index], value, problem, size)
    ||  s_copy (config->columns [index], space + 1 + strspn (space + 1, " "), problem, size))
        return -1;
    config->columns_count++;
    return 0;
}

//  date-format STRFTIME: how the Received column writes dates; it applies
//  as soon as it is read (the columns keep it), once checked.
static int
s_date_format (wbc_config_t *config, wbc_keys_t *keys, char *value, char *problem, size_t size)
{
    (void) keys;
    if (wbc_columns_set_date_format (value, problem, size))
        return -1;
    return s_copy (config->date_format, value, problem, size);
}

static int
s_binding (wbc_keys_t *keys, const char *command, const char *value, char *problem, size_t size)
{
    char line [WBC_CONFIG_VALUE_MAX * 2];
    snprintf (line, sizeof (line), "%s %s", command, value);
    return wbc_keys_parse_line (keys, line, problem, size);
}

static int s_bind (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) c; return s_binding (k, "bind", v, p, s); }
static int s_unbind (wbc_config_t *c, wbc_keys_t *k, char *v, char *p, size_t s)
{ (void) c; return s_binding (k, "unbind", v, p, s); }

static const struct { const char *name; s_setting_fn *apply; } s_settings [] = {
    { "endpoint", s_endpoint }, { "agent", s_agent }, { "place", s_place },
    { "tenant", s_tenant }, { "theme", s_theme }, { "open", s_open }, { "watch", s_watch },
    { "columns", s_columns }, { "bind", s_bind }, { "unbind", s_unbind },
    { "cert", s_cert }, { "server-key", s_server_key }, { "date-format", s_date_format },
    { "mouse", s_mouse }, { "board-age", s_board_age }, { "trace-chatter", s_trace_chatter },
};

void
wbc_config_defaults (wbc_config_t *config)
{
    memset (config, 0, sizeof (*config));
    const char *endpoint = getenv ("WB_ENDPOINT");     //  as wbctl does
    snprintf (config->endpoint, sizeof (config->endpoint), "%s",
              endpoint && *endpoint ? endpoint : WB_DEFAULT_ENDPOINT);
    const char *cert = getenv ("WB_CERT");
    const char *server_key = getenv ("WB_SERVER_KEY");
    snprintf (config->cert, sizeof (config->cert), "%s", cert ? cert : "");
    snprintf (config->server_key, sizeof (config->server_key), "%s", server_key ? server_key : "");
    strcpy (config->theme, "default");
    snprintf (config->date_format, sizeof (config->date_format), "%s", WBC_COLUMNS_DATE_FORMAT);
    config->tenant = WB_DEFAULT_TENANT;
    config->watch = true;
    config->mouse = true;
    config->trace_chatter = true;
    config->board_warn_s = 3600;
    config->board_alert_s = 4 * 3600;
}

void
wbc_config_default_path (char *path, size_t size)
{
    const char *config_home = getenv ("XDG_CONFIG_HOME");
    const char *home = getenv ("HOME");
    if (config_home && *config_home == '/')
        snprintf (path, size, "%s/wbconsole/config", config_home);
    else
        snprintf (path, size, "%s/.config/wbconsole/config", home ? home : ".");
}

int
wbc_config_add_open (wbc_config_t *config, const char *name)
{
    if (config->open_count == WBC_CONFIG_OPEN_MAX || strlen (name) >= WBC_CONFIG_VALUE_MAX)
        return -1;
    strcpy (config->open [config->open_count++], name);
    return 0;
}

//  Apply one line; "" in problem and 0 if it is fine.
static int
s_apply_line (wbc_config_t *config, wbc_keys_t *keys, char *line, char *problem, size_t size)
{
    line [strcspn (line, "\r\n")] = 0;
    char *hash = strchr (line, '#');
    if (hash && (hash == line || hash [-1] == ' ' || hash [-1] == '\t'))
        *hash = 0;
    char *name = line + strspn (line, " \t");
    size_t end = strlen (name);
    while (end > 0 && (name [end - 1] == ' ' || name [end - 1] == '\t'))
        name [--end] = 0;
    if (!*name)
        return 0;
    size_t length = strcspn (name, " \t");
    char *value = name + length + strspn (name + length, " \t");
    name [length] = 0;
    for (size_t index = 0; index < WB_COUNT_OF (s_settings); index++)
        if (strcmp (s_settings [index].name, name) == 0)
            return s_settings [index].apply (config, keys, value, problem, size);
    snprintf (problem, size, "unknown setting '%s'", name);
    return -1;
}

int
wbc_config_load (wbc_config_t *config, wbc_keys_t *keys, const char *path, bool optional,
                 char *error, size_t error_size)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        if (optional && errno == ENOENT)
            return 0;
        snprintf (error, error_size, "%s:0: cannot read: %s", path, strerror (errno));
        return -1;
    }
    char line [1024];
    int rc = 0;
    for (int number = 1; rc == 0 && fgets (line, sizeof (line), file); number++) {
        char problem [256] = "";
        rc = s_apply_line (config, keys, line, problem, sizeof (problem));
        if (rc)
            snprintf (error, error_size, "%s:%d: %s", path, number, problem);
    }
    fclose (file);
    return rc;
}
