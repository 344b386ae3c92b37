/*  wbc_config: the settings this console's files take, the yes/no ones,
    mouse, date-format and board-age among them; a bad line names the
    file, the line and what is wrong, and changes nothing after it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wbc_config.h"
#include "wbc_columns.h"

//  Write text to a fresh file and load it over the defaults: load's result.
static int
s_load (const char *text, wbc_config_t *config, char *error, size_t size)
{
    char path [] = "/tmp/wbc_config.XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, text, strlen (text)), (ssize_t) strlen (text));
    close (fd);
    wbc_keys_t *keys = wbc_keys_new ();
    wbc_config_defaults (config);
    int rc = wbc_config_load (config, keys, path, false, error, size);
    wbc_keys_destroy (&keys);
    unlink (path);
    return rc;
}

static void
test_defaults (void **state)
{
    (void) state;
    wbc_config_t config;
    wbc_config_defaults (&config);
    assert_true (config.watch);
    assert_true (config.mouse);
    assert_int_equal (config.board_warn_s, 3600);
    assert_int_equal (config.board_alert_s, 4 * 3600);
    assert_string_equal (config.date_format, WBC_COLUMNS_DATE_FORMAT);
}

static void
test_new_settings (void **state)
{
    (void) state;
    wbc_config_t config;
    char error [256] = "";
    assert_int_equal (s_load ("watch no\nmouse no\nboard-age 30m 2h\ndate-format %d/%m %H:%M\n",
                              &config, error, sizeof (error)), 0);
    assert_false (config.watch);
    assert_false (config.mouse);
    assert_int_equal (config.board_warn_s, 30 * 60);
    assert_int_equal (config.board_alert_s, 2 * 3600);
    assert_string_equal (config.date_format, "%d/%m %H:%M");
    assert_int_equal (s_load ("board-age 0 90s\n", &config, error, sizeof (error)), 0);
    assert_int_equal (config.board_warn_s, 0);
    assert_int_equal (config.board_alert_s, 90);
    char restore [160];
    assert_int_equal (wbc_columns_set_date_format (WBC_COLUMNS_DATE_FORMAT, restore, sizeof (restore)), 0);
}

//  Each bad line: the file's error names its line and the problem.
static void
test_bad_settings_say_why (void **state)
{
    (void) state;
    const struct { const char *text; const char *problem; } cases [] = {
        { "mouse maybe\n", ":1: mouse takes yes or no, not 'maybe'" },
        { "# comment\nwatch 1\n", ":2: watch takes yes or no, not '1'" },
        { "board-age 2h\n", ":1: usage: board-age WARN ALERT" },
        { "board-age 4h 1h\n", ":1: usage: board-age WARN ALERT" },
        { "board-age 1x 2h\n", ":1: usage: board-age WARN ALERT" },
        { "date-format \n", "date format" },
        { "date-format %Y%Y%Y%Y%Y%Y%Y\n", ":1: date format '%Y%Y%Y%Y%Y%Y%Y'" },
    };
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        wbc_config_t config;
        char error [256] = "";
        assert_int_equal (s_load (cases [index].text, &config, error, sizeof (error)), -1);
        if (!strstr (error, cases [index].problem))
            fail_msg ("case %zu: '%s' does not say '%s'", index, error, cases [index].problem);
        assert_non_null (strstr (error, "/tmp/wbc_config."));
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_defaults),
        cmocka_unit_test (test_new_settings),
        cmocka_unit_test (test_bad_settings_say_why),
    };
    return cmocka_run_group_tests_name ("wbc_config", tests, NULL, NULL);
}
