/*  wbctl's printing of replies as a client receives them: a page whose
    interactions are kept as bytes with their structure checked only, one
    of them at fault, is printed with that row saying it cannot be read,
    the others as ever. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <czmq.h>
#include "wbctl.h"
#include "wb_msg.h"
#include "wb_protocol.h"

//  wbctl.c's (it holds main): standard output is never closed here.
void
wbctl_output_closed (void)
{
}

bool
wbctl_output_was_closed (void)
{
    return false;
}

//  A reply as wb_msg_recv receives it: row, its interactions ("i-0",
//  "i-1", "i-2") under list_key, the subject of "i-1" no longer UTF-8.
static wb_msg_t *
s_received (const char *row_name, const char *list_key)
{
    wb_msg_t *sent = wb_msg_new (row_name);
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int item = 0; item < 3; item++) {
        char id [16], subject [16];
        snprintf (id, sizeof (id), "i-%d", item);
        snprintf (subject, sizeof (subject), item == 1 ? "Bad one" : "Fine %d", item);
        wb_kvlist_t *interaction = wb_kvlist_new ();
        wb_kvlist_add_string (interaction, WB_ATTR_INTERACTION_ID, id);
        wb_kvlist_add_string (interaction, WB_ATTR_SUBJECT, subject);
        wb_kvlist_add_list (interactions, WB_ATTR_INTERACTION, &interaction);
    }
    wb_kvlist_add_list (wb_msg_body (sent), list_key, &interactions);
    wb_kvlist_add_int (wb_msg_body (sent), WB_ATTR_TOTAL_COUNT, 3);
    wb_kvlist_add_int (wb_msg_body (sent), WB_ATTR_WORKBIN_VERSION, 4);
    zmsg_t *zmsg = wb_msg_encode (sent);
    wb_msg_destroy (&sent);
    zframe_t *body = zmsg_last (zmsg);
    uint8_t *data = zframe_data (body);
    for (size_t offset = 0; offset + 7 <= zframe_size (body); offset++)
        if (memcmp (data + offset, "Bad one", 7) == 0)
            data [offset + 3] = 0xff;
    static int pairs;
    char endpoint [64];
    snprintf (endpoint, sizeof (endpoint), "inproc://test-wbctl-print-%d", ++pairs);
    zsock_t *sender = zsock_new (ZMQ_PAIR);
    zsock_t *receiver = zsock_new (ZMQ_PAIR);
    assert_int_equal (zsock_bind (sender, "%s", endpoint), 0);
    assert_int_equal (zsock_connect (receiver, "%s", endpoint), 0);
    assert_int_equal (zmsg_send (&zmsg, sender), 0);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    wb_msg_t *received = wb_msg_recv (receiver, &status, NULL, NULL);
    assert_int_equal (status, WB_CODEC_OK);
    zsock_destroy (&receiver);
    zsock_destroy (&sender);
    return received;
}

//  What print writes on stdout, into text.
static void
s_printed (wbctl_print_fn *print, const wbctl_exchange_t *exchange, char *text, size_t size)
{
    char path [] = "/tmp/test_wbctl_print_XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    fflush (stdout);
    int saved = dup (STDOUT_FILENO);
    dup2 (fd, STDOUT_FILENO);
    print (exchange);
    fflush (stdout);
    dup2 (saved, STDOUT_FILENO);
    close (saved);
    ssize_t length = pread (fd, text, size - 1, 0);
    assert_true (length > 0);
    text [length] = 0;
    close (fd);
    unlink (path);
}

static void
test_a_page_with_an_interaction_that_cannot_be_read (void **state)
{
    (void) state;
    wbctl_exchange_t exchange = { .reply = s_received (WB_MSG_EVENT_WORKBIN_CONTENT,
                                                       WB_ATTR_INTERACTIONS) };
    snprintf (exchange.what, sizeof (exchange.what), "email@team");
    char text [4096];
    s_printed (wbctl_print_content, &exchange, text, sizeof (text));
    assert_non_null (strstr (text, "email@team: 3 interactions (showing 1-3), version 4"));
    assert_non_null (strstr (text, "i-0"));
    assert_non_null (strstr (text, "Fine 0"));
    assert_non_null (strstr (text, "(cannot be read: string is not valid UTF-8)"));
    assert_non_null (strstr (text, "i-2"));
    assert_null (strstr (text, "i-1"));
    assert_null (strchr (text, 0xff));
    wb_msg_destroy (&exchange.reply);
}

static void
test_pulled_interactions_with_one_that_cannot_be_read (void **state)
{
    (void) state;
    wbctl_exchange_t exchange = { .reply = s_received (WB_MSG_EVENT_PULLED_INTERACTIONS,
                                                       WB_ATTR_INTERACTIONS) };
    char text [4096];
    s_printed (wbctl_print_pulled, &exchange, text, sizeof (text));
    assert_non_null (strstr (text, "Pulled i-0\n"));
    assert_non_null (strstr (text, "Pulled ?\n(cannot be read: string is not valid UTF-8)\n"));
    assert_non_null (strstr (text, "Pulled i-2\n"));
    assert_null (strchr (text, 0xff));
    wb_msg_destroy (&exchange.reply);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_a_page_with_an_interaction_that_cannot_be_read),
        cmocka_unit_test (test_pulled_interactions_with_one_that_cannot_be_read),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
