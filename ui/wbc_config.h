/*  wbc_config: the console's settings, from its config file and options.

    The file ($XDG_CONFIG_HOME/wbconsole/config, else ~/.config/wbconsole/
    config) has one setting per line, "# comments" and blank lines ignored:
        endpoint tcp://127.0.0.1:7120
        agent agent01
        place place01
        tenant 101
        theme default
        open email-draft            (repeatable: workbins opened at start)
        watch yes                   (subscribe to each pane opened)
        columns email-draft From,Subject,Age,State
        bind C-r refresh            (and: unbind KEY)
        cert ~/keys/agent01_secret  (CURVE on network endpoints: our certificate, secret half)
        server-key ~/keys/server    (and the server's public certificate)
    A bad line names the file, the line and what is wrong.
*/
#ifndef WBC_CONFIG_H_INCLUDED
#define WBC_CONFIG_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include "wbc_keys.h"

#define WBC_CONFIG_OPEN_MAX 16
#define WBC_CONFIG_VALUE_MAX 256

typedef struct {
    char endpoint [WBC_CONFIG_VALUE_MAX];
    char agent [WBC_CONFIG_VALUE_MAX];
    char place [WBC_CONFIG_VALUE_MAX];
    int64_t tenant;
    char theme [WBC_CONFIG_VALUE_MAX];
    char open [WBC_CONFIG_OPEN_MAX][WBC_CONFIG_VALUE_MAX];
    size_t open_count;
    bool watch;
    char columns_type [WBC_CONFIG_OPEN_MAX][WBC_CONFIG_VALUE_MAX];
    char columns [WBC_CONFIG_OPEN_MAX][WBC_CONFIG_VALUE_MAX];
    size_t columns_count;
    char cert [WBC_CONFIG_VALUE_MAX];        /* our CURVE certificate; "": none */
    char server_key [WBC_CONFIG_VALUE_MAX];  /* the server's public certificate */
    char date_format [WBC_CONFIG_VALUE_MAX]; /* strftime, for the Received column */
    bool mouse;                              /* report clicks and the wheel */
    bool trace_chatter;                      /* the trace shows start-up and paging messages */
    int64_t board_warn_s, board_alert_s;     /* ages that colour the board (0: none) */
} wbc_config_t;

/* The defaults: $WB_ENDPOINT or WB_DEFAULT_ENDPOINT, tenant WB_DEFAULT_TENANT
   (wb_protocol.h), theme default, watch yes, keys from $WB_CERT and
   $WB_SERVER_KEY. */
void wbc_config_defaults (wbc_config_t *config);
/* The default path of the config file, into path. */
void wbc_config_default_path (char *path, size_t size);
/* Read a config file; key bindings go to keys. A missing file is fine when
   optional. Return 0, or -1 with "FILE:LINE: what is wrong" in error. */
int wbc_config_load (wbc_config_t *config, wbc_keys_t *keys, const char *path, bool optional,
                     char *error, size_t error_size);
/* Add a workbin to open at start; -1 if the list is full. */
int wbc_config_add_open (wbc_config_t *config, const char *name);

#endif
