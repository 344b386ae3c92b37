/*  Tests of wb_security (key files) and of CURVE end to end in this
    process: a secured wb_server actor on tcp and ipc, and clients with
    known, unknown, bound and no keys. No sleeps: every wait is on a reply
    or a handshake event, with a deadline.

    Directory: tests/data/engine.cfg (agents a1, a2; tenant 101).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "wb_security.h"
#include "wb_server.h"
#include "wb_client.h"
#include "wb_error.h"
#include "wb_events.h"
#include "wb_requests.h"
#include "wb_test_util.h"

#define TIMEOUT 5000
/* A refused client must know within this, far below TIMEOUT. */
#define REFUSAL_MS 3000

typedef struct {
    wb_test_server_t server;      /* its options get the keys in s_start */
    char keys [128];              /* the server's authorised keys */
    char path [256];              /* scratch */
    char ipc [128];
    char server_key [WB_SECURITY_KEY_TEXT + 1];
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *fixture = zmalloc (sizeof (s_fixture_t));
    assert_int_equal (wb_test_server_init (&fixture->server, "security"), 0);
    const char *folder = fixture->server.folder;
    snprintf (fixture->keys, sizeof (fixture->keys), "%s/keys", folder);
    snprintf (fixture->ipc, sizeof (fixture->ipc), "ipc://%s/server.ipc", folder);
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *fixture = *state;
    wb_client_set_default_keys (NULL, NULL);
    assert_int_equal (wb_test_server_cleanup (&fixture->server), 0);
    free (fixture);
    return 0;
}

//  fixture->path = folder/name
static const char *
s_path (s_fixture_t *fixture, const char *name)
{
    snprintf (fixture->path, sizeof (fixture->path), "%s/%s", fixture->server.folder, name);
    return fixture->path;
}

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

//  Load a secret certificate that must load.
static zcert_t *
s_cert (s_fixture_t *fixture, const char *name)
{
    char error [512] = "";
    zcert_t *cert = wb_security_load_secret (s_path (fixture, name), error, sizeof (error));
    if (!cert)
        fail_msg ("%s", error);
    return cert;
}

// ---------------------------------------------------------------- key files

static void
test_degenerate_calls (void **state)
{
    (void) state;
    char error [256] = "", key [WB_SECURITY_KEY_TEXT + 1];
    assert_false (wb_security_endpoint_is_network (NULL));
    assert_false (wb_security_endpoint_is_network ("ipc:///tmp/x"));
    assert_true (wb_security_endpoint_is_network ("tcp://127.0.0.1:7120"));
    assert_true (wb_security_endpoint_is_network ("ws://127.0.0.1:7121"));
    assert_true (wb_security_endpoint_is_network ("wss://127.0.0.1:7121"));
    assert_true (wb_security_endpoint_is_network ("ipc://@workbin"));
    assert_true (wb_security_endpoint_is_network ("tipc://{1,2}"));
    assert_false (wb_security_endpoint_is_network ("inproc://workbin"));
    assert_null (wb_security_load_secret (NULL, error, sizeof (error)));
    assert_string_equal (error, "no certificate file given");
    assert_null (wb_security_load_secret ("", error, sizeof (error)));
    assert_int_equal (wb_security_load_public (NULL, key, error, sizeof (error)), -1);
    assert_int_equal (wb_security_count_keys (NULL, error, sizeof (error)), -1);
    assert_int_equal (wb_security_keygen (NULL, NULL, NULL, error, sizeof (error)), -1);
    assert_null (wb_client_new_secure (NULL, NULL, NULL));
    assert_null (wb_client_problem (NULL));
    assert_int_equal (wb_client_set_default_keys (NULL, NULL), 0);
}

static void
test_keygen_writes_a_private_pair (void **state)
{
    s_fixture_t *fixture = *state;
    char error [512] = "";
    assert_int_equal (wb_security_keygen (fixture->keys, "a1", "a1", error, sizeof (error)), 0);
    struct stat info;
    assert_int_equal (stat (s_path (fixture, "keys/a1_secret"), &info), 0);
    assert_int_equal (info.st_mode & 0777, 0600);
    zcert_t *public_half = zcert_load (s_path (fixture, "keys/a1"));
    assert_non_null (public_half);
    assert_string_equal (zcert_meta (public_half, WB_SECURITY_AGENT_ID), "a1");
    zcert_destroy (&public_half);
    //  never overwritten; names are checked
    assert_int_equal (wb_security_keygen (fixture->keys, "a1", NULL, error, sizeof (error)), -1);
    assert_non_null (strstr (error, "keys/a1 already exists"));
    const char *bad_names [] = { "", "a b", "../x", "-x", "a@b", NULL };
    for (const char **name = bad_names; *name; name++)
        assert_int_equal (wb_security_keygen (fixture->keys, *name, NULL, error, sizeof (error)), -1);
    assert_int_equal (wb_security_keygen (fixture->keys, "x", "not an agent", error, sizeof (error)), -1);
    assert_non_null (strstr (error, "'not an agent' cannot name"));
}

static void
test_loaders_name_the_file_and_the_fault (void **state)
{
    s_fixture_t *fixture = *state;
    char error [512] = "", key [WB_SECURITY_KEY_TEXT + 1] = "";
    assert_int_equal (wb_security_keygen (fixture->server.folder, "pair", NULL, error, sizeof (error)), 0);
    //  the public half finds its secret beside it; both give the same keys
    zcert_t *from_public = s_cert (fixture, "pair");
    zcert_t *from_secret = s_cert (fixture, "pair_secret");
    assert_true (zcert_eq (from_public, from_secret));
    assert_int_equal (wb_security_load_public (s_path (fixture, "pair"), key, error, sizeof (error)), 0);
    assert_string_equal (key, zcert_public_txt (from_public));
    zcert_destroy (&from_public);
    zcert_destroy (&from_secret);
    struct {
        const char *name;
        const char *text;         /* NULL: do not create */
        const char *expected;
    } cases [] = {
        { "missing", NULL, "missing: No such file or directory" },
        { "junk", "just some text\n", "junk: not a CURVE certificate" },
        { "short", "curve\n    public-key = \"abc\"\n", "short: its public-key is not a 40-character" },
        { "lonely", NULL, "lonely: holds no secret key" },
        { "mixed", NULL, "mixed: its secret-key does not belong to its public-key" },
        { ".", NULL, "not a certificate file" },
    };
    //  a public half alone, and a public key with another's secret key
    zcert_t *lonely = zcert_new ();
    assert_int_equal (zcert_save_public (lonely, s_path (fixture, "lonely")), 0);
    zcert_t *mixed = zcert_new ();
    char text [256];
    snprintf (text, sizeof (text), "curve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
              zcert_public_txt (lonely), zcert_secret_txt (mixed));
    s_write (s_path (fixture, "mixed"), text);
    zcert_destroy (&lonely);
    zcert_destroy (&mixed);
    for (size_t index = 0; index < sizeof (cases) / sizeof (cases [0]); index++) {
        if (cases [index].text)
            s_write (s_path (fixture, cases [index].name), cases [index].text);
        assert_null (wb_security_load_secret (s_path (fixture, cases [index].name), error, sizeof (error)));
        if (!strstr (error, cases [index].expected))
            fail_msg ("%s: got '%s'", cases [index].name, error);
    }
    assert_int_equal (wb_security_load_public (s_path (fixture, "junk"), key, error, sizeof (error)), -1);
    assert_non_null (strstr (error, "junk: not a CURVE certificate"));
}

static void
test_count_keys (void **state)
{
    s_fixture_t *fixture = *state;
    char error [512] = "";
    assert_int_equal (wb_security_count_keys (fixture->keys, error, sizeof (error)), -1);
    assert_non_null (strstr (error, "No such file or directory"));
    assert_int_equal (wb_security_keygen (fixture->server.folder, "one", NULL, error, sizeof (error)), 0);
    assert_int_equal (wb_security_keygen (fixture->server.folder, "two", NULL, error, sizeof (error)), 0);
    s_write (s_path (fixture, "README"), "not a key\n");
    //  one, one_secret, two, two_secret: four certificates, the note is not one
    assert_int_equal (wb_security_count_keys (fixture->server.folder, error, sizeof (error)), 4);
}

// ---------------------------------------------------------------- CURVE end to end

//  Keys for the server and three clients: a1 (bound to agent a1), media
//  (not bound) in the authorised keys; stranger not.
static void
s_make_keys (s_fixture_t *fixture)
{
    char error [512] = "";
    assert_int_equal (wb_security_keygen (fixture->server.folder, "server", NULL, error, sizeof (error)), 0);
    assert_int_equal (wb_security_keygen (fixture->server.folder, "a1", "a1", error, sizeof (error)), 0);
    assert_int_equal (wb_security_keygen (fixture->server.folder, "media", NULL, error, sizeof (error)), 0);
    assert_int_equal (wb_security_keygen (fixture->server.folder, "stranger", NULL, error, sizeof (error)), 0);
    char command [512];
    snprintf (command, sizeof (command), "mkdir %s && cp %s/a1 %s/media %s",
              fixture->keys, fixture->server.folder, fixture->server.folder, fixture->keys);
    assert_int_equal (system (command), 0);
    assert_int_equal (wb_security_load_public (s_path (fixture, "server"), fixture->server_key,
                                               error, sizeof (error)), 0);
}

//  Start the secured server (tcp with CURVE, ipc plain); NULL, or the
//  error the actor reported (caller frees).
static char *
s_start (s_fixture_t *fixture, const char *cert_name)
{
    char cert [256] = "";
    if (cert_name)
        snprintf (cert, sizeof (cert), "%s", s_path (fixture, cert_name));
    wb_server_options_t *options = &fixture->server.options;
    options->endpoints [1] = fixture->ipc;
    options->cert_path = cert_name ? cert : NULL;
    options->authorized_keys = fixture->keys;
    char error [512];
    int rc = wb_test_server_start (&fixture->server, error, sizeof (error));
    options->cert_path = NULL;      //  read once, when the server starts
    return rc ? strdup (error) : NULL;
}

//  A client on endpoint with the keys of name (NULL: none).
static wb_client_t *
s_client (s_fixture_t *fixture, const char *endpoint, const char *name)
{
    zcert_t *cert = name ? s_cert (fixture, name) : NULL;
    wb_client_t *client = wb_client_new_secure (endpoint, cert, fixture->server_key);
    zcert_destroy (&cert);
    assert_non_null (client);
    return client;
}

//  Open a session; the ErrorCode of a refusal, 0 if open, -1 if no answer.
static int64_t
s_open (wb_client_t *client, wb_client_type_t client_type, const char *agent_id)
{
    wb_msg_t *error = NULL;
    int rc = wb_client_open_session (client, client_type, "test", 101, agent_id, NULL,
                                     TIMEOUT, &error);
    wb_event_error_t refusal;
    int64_t code = rc != 1 ? rc : wb_event_read_error (error, &refusal) == 0 ? refusal.code : -2;
    wb_msg_destroy (&error);
    return code;
}

static void
test_server_refuses_bad_security_options (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    char *error = s_start (fixture, "nothing-here");
    assert_non_null (error);
    assert_non_null (strstr (error, "nothing-here: No such file or directory"));
    zstr_free (&error);
    fixture->keys [strlen (fixture->keys) - 1] = 'X';       //  no such folder
    error = s_start (fixture, "server");
    assert_non_null (error);
    assert_non_null (strstr (error, "authorised keys"));
    zstr_free (&error);
    fixture->keys [strlen (fixture->keys) - 1] = 's';
    //  a certificate without the authorised keys
    wb_server_options_t options = { .directory_path = fixture->server.directory,
                                    .store_uri = fixture->server.store_uri,
                                    .cert_path = s_path (fixture, "server_secret") };
    char text [256] = "";
    wb_server_t *server = wb_server_new (&options, text, sizeof (text));
    assert_null (server);
    assert_non_null (strstr (text, "needs both"));
    //  one secured server a process: zauth is the context's ZAP handler
    assert_null (s_start (fixture, "server_secret"));
    options.authorized_keys = fixture->keys;
    options.endpoints [0] = "tcp://127.0.0.1:*";
    assert_null (wb_server_new (&options, text, sizeof (text)));
    assert_non_null (strstr (text, "only one CURVE-secured server"));
}

static void
test_known_key_gets_in_unknown_key_gets_nowhere (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    assert_null (s_start (fixture, "server_secret"));
    wb_client_t *media = s_client (fixture, fixture->server.endpoint, "media_secret");
    assert_int_equal (s_open (media, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    assert_null (wb_client_problem (media));
    wb_client_destroy (&media);
    //  an unknown key: refused at the handshake, said at once
    wb_client_t *stranger = s_client (fixture, fixture->server.endpoint, "stranger_secret");
    int64_t start = zclock_mono ();
    assert_int_equal (s_open (stranger, WB_CLIENT_MEDIA_SERVER, NULL), -1);
    assert_int_equal (errno, ECONNREFUSED);
    assert_true (zclock_mono () - start < REFUSAL_MS);
    assert_non_null (strstr (wb_client_problem (stranger), "the server refused our key"));
    wb_client_destroy (&stranger);
    //  no keys at all on tcp: told that the server wants CURVE, when asked
    wb_client_set_watch_handshakes (true);
    wb_client_t *plain = s_client (fixture, fixture->server.endpoint, NULL);
    wb_client_set_watch_handshakes (false);
    wb_msg_t *ping = wb_request_ping ();
    wb_msg_t *reply = NULL;
    for (start = zclock_mono (); !reply && zclock_mono () - start < TIMEOUT && errno != ECONNREFUSED; ) {
        wb_msg_t *request = wb_msg_dup (ping);
        reply = wb_client_request (plain, &request, 500);
    }
    assert_null (reply);
    assert_non_null (strstr (wb_client_problem (plain), "requires CURVE"));
    wb_msg_destroy (&ping);
    wb_client_destroy (&plain);
    //  ipc stays plain, with or without keys
    wb_client_t *local = s_client (fixture, fixture->ipc, NULL);
    assert_int_equal (s_open (local, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    wb_client_destroy (&local);
    local = s_client (fixture, fixture->ipc, "stranger_secret");
    assert_int_equal (s_open (local, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    wb_client_destroy (&local);
}

static void
test_bound_key_logs_in_as_its_agent_only (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    assert_null (s_start (fixture, "server_secret"));
    wb_client_t *client = s_client (fixture, fixture->server.endpoint, "a1_secret");
    assert_int_equal (s_open (client, WB_CLIENT_AGENT_APPLICATION, "a2"), WB_ERR_IDENTITY_MISMATCH);
    //  the same connection, the agent of its key
    wb_msg_t *login = wb_request_agent_login (101, "a1", NULL);
    wb_msg_t *reply = wb_client_request (client, &login, TIMEOUT);
    assert_true (wb_msg_is (reply, WB_ROW_EVENT_ACK));
    wb_msg_destroy (&reply);
    wb_client_destroy (&client);
    //  a media server reaches every workbin: not with an agent's key
    client = s_client (fixture, fixture->server.endpoint, "a1_secret");
    assert_int_equal (s_open (client, WB_CLIENT_MEDIA_SERVER, NULL), WB_ERR_IDENTITY_MISMATCH);
    wb_client_destroy (&client);
    //  an unbound key may log in as anyone
    client = s_client (fixture, fixture->server.endpoint, "media_secret");
    assert_int_equal (s_open (client, WB_CLIENT_AGENT_APPLICATION, "a2"), 0);
    wb_client_destroy (&client);
}

static void
test_default_keys_serve_every_new_client (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    assert_null (s_start (fixture, "server_secret"));
    zcert_t *cert = s_cert (fixture, "media_secret");
    assert_int_equal (wb_client_set_default_keys (cert, NULL), -1);
    assert_int_equal (wb_client_set_default_keys (cert, fixture->server_key), 0);
    zcert_destroy (&cert);
    wb_client_t *client = wb_client_new (fixture->server.endpoint);
    assert_int_equal (s_open (client, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    //  a reconnection keeps the keys
    assert_int_equal (wb_client_reconnect (client), 0);
    assert_int_equal (s_open (client, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    wb_client_destroy (&client);
    assert_int_equal (wb_client_set_default_keys (NULL, NULL), 0);
}

//  A raw DEALER on the secured tcp endpoint with the keys of name and a
//  routing id of its own choosing (ZMQ_ROUTING_ID), as any client may set.
static zsock_t *
s_dealer_with_id (s_fixture_t *fixture, const char *name, const char *routing_id)
{
    zcert_t *cert = s_cert (fixture, name);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert_non_null (dealer);
    zcert_apply (cert, dealer);
    zsock_set_curve_serverkey (dealer, fixture->server_key);
    zsock_set_identity (dealer, routing_id);
    zsock_set_rcvtimeo (dealer, 200);
    zsock_set_linger (dealer, 0);
    assert_int_equal (zsock_connect (dealer, "%s", fixture->server.endpoint), 0);
    zcert_destroy (&cert);
    return dealer;
}

//  Send request until a reply comes, for at most timeout_ms; the reply, or
//  NULL. Takes *request_p.
static wb_msg_t *
s_exchange_within (zsock_t *dealer, wb_msg_t **request_p, int timeout_ms)
{
    static int64_t reference_id = 1;
    wb_msg_set_reference_id (*request_p, ++reference_id);
    int64_t deadline = zclock_mono () + timeout_ms;
    wb_msg_t *reply = NULL;
    while (!reply && zclock_mono () < deadline) {
        wb_msg_t *copy = wb_msg_dup (*request_p);
        assert_int_equal (wb_msg_send (&copy, dealer), 0);
        wb_codec_status_t status;
        int64_t ignored;
        zframe_t *none = NULL;
        while ((reply = wb_msg_recv (dealer, &status, &ignored, &none))
        &&     wb_msg_reference_id (reply) != reference_id)
            wb_msg_destroy (&reply);       //  the answer to an earlier try
        zframe_destroy (&none);
    }
    wb_msg_destroy (request_p);
    return reply;
}

static wb_msg_t *
s_exchange (zsock_t *dealer, wb_msg_t **request_p)
{
    return s_exchange_within (dealer, request_p, TIMEOUT);
}

//  A new connection with the routing id of one just closed, and the reply
//  to its first request. The ROUTER sets aside a connection whose routing
//  id it still holds (the closed one, until it has seen it end), so a
//  connection that gets no answer soon is made again, until TIMEOUT.
static wb_msg_t *
s_exchange_as (s_fixture_t *fixture, zsock_t **dealer_p, const char *name,
               const char *routing_id, wb_msg_t **request_p)
{
    int64_t deadline = zclock_mono () + TIMEOUT;
    wb_msg_t *reply = NULL;
    while (!reply && zclock_mono () < deadline) {
        zsock_destroy (dealer_p);
        *dealer_p = s_dealer_with_id (fixture, name, routing_id);
        wb_msg_t *request = wb_msg_dup (*request_p);
        reply = s_exchange_within (*dealer_p, &request, 1000);
    }
    wb_msg_destroy (request_p);
    return reply;
}

//  The ErrorCode of an EventError reply, 0 for EventAck, -1 for none.
static int64_t
s_code (wb_msg_t **reply_p)
{
    wb_event_error_t error;
    int64_t code = !*reply_p ? -1 : wb_msg_is (*reply_p, WB_ROW_EVENT_ACK) ? 0
                 : wb_event_read_error (*reply_p, &error) == 0 ? error.code : -2;
    wb_msg_destroy (reply_p);
    return code;
}

//  Issue 15, item 7: a session belongs to the key that registered it. A
//  client with another key that connects with the routing id of one that
//  is gone gets no access to its session, which ends.
static void
test_reused_routing_id_gets_no_session_of_another_key (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    char error [512] = "", command [512];
    assert_int_equal (wb_security_keygen (fixture->server.folder, "a2", "a2", error, sizeof (error)), 0);
    snprintf (command, sizeof (command), "cp %s/a2 %s", fixture->server.folder, fixture->keys);
    assert_int_equal (system (command), 0);
    assert_null (s_start (fixture, "server_secret"));
    zsock_t *first = s_dealer_with_id (fixture, "a1_secret", "reused");
    wb_msg_t *request = wb_request_register_client (WB_CLIENT_AGENT_APPLICATION, "first");
    wb_msg_t *reply = s_exchange (first, &request);
    assert_int_equal (s_code (&reply), 0);
    request = wb_request_agent_login (101, "a1", NULL);
    reply = s_exchange (first, &request);
    assert_int_equal (s_code (&reply), 0);
    zsock_destroy (&first);
    //  a2's key, a1's routing id: no session (1), neither now nor after
    zsock_t *second = NULL;
    request = wb_request_agent_logout ();
    reply = s_exchange_as (fixture, &second, "a2_secret", "reused", &request);
    assert_int_equal (s_code (&reply), WB_ERR_NOT_REGISTERED);
    request = wb_request_ping ();
    reply = s_exchange (second, &request);
    assert_int_equal (s_code (&reply), WB_ERR_NOT_REGISTERED);
    zsock_destroy (&second);
    //  a1's session ended with it: a1 logs in again without a take-over
    wb_client_t *client = s_client (fixture, fixture->server.endpoint, "a1_secret");
    assert_int_equal (s_open (client, WB_CLIENT_AGENT_APPLICATION, "a1"), 0);
    wb_client_destroy (&client);
}

//  Issue 15, item 20: a key taken out of the authorised folder cannot
//  register or log in again on the connection it has open.
static void
test_removed_key_cannot_register_or_log_in_again (void **state)
{
    s_fixture_t *fixture = *state;
    s_make_keys (fixture);
    assert_null (s_start (fixture, "server_secret"));
    wb_client_t *media = s_client (fixture, fixture->server.endpoint, "media_secret");
    assert_int_equal (s_open (media, WB_CLIENT_MEDIA_SERVER, NULL), 0);
    wb_client_t *agent = s_client (fixture, fixture->server.endpoint, "a1_secret");
    assert_int_equal (s_open (agent, WB_CLIENT_AGENT_APPLICATION, "a1"), 0);
    char path [256];
    snprintf (path, sizeof (path), "%s/media", fixture->keys);
    assert_int_equal (unlink (path), 0);
    snprintf (path, sizeof (path), "%s/a1", fixture->keys);
    assert_int_equal (unlink (path), 0);
    wb_msg_t *request = wb_request_register_client (WB_CLIENT_MEDIA_SERVER, "again");
    wb_msg_t *reply = wb_client_request (media, &request, TIMEOUT);
    assert_int_equal (s_code (&reply), WB_ERR_IDENTITY_MISMATCH);
    request = wb_request_agent_logout ();
    reply = wb_client_request (agent, &request, TIMEOUT);
    assert_int_equal (s_code (&reply), 0);
    request = wb_request_agent_login (101, "a1", NULL);
    reply = wb_client_request (agent, &request, TIMEOUT);
    assert_int_equal (s_code (&reply), WB_ERR_IDENTITY_MISMATCH);
    wb_client_destroy (&media);
    wb_client_destroy (&agent);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (NULL);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test_setup_teardown (test_keygen_writes_a_private_pair, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_loaders_name_the_file_and_the_fault, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_count_keys, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_server_refuses_bad_security_options, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_known_key_gets_in_unknown_key_gets_nowhere, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bound_key_logs_in_as_its_agent_only, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_default_keys_serve_every_new_client, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reused_routing_id_gets_no_session_of_another_key, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_removed_key_cannot_register_or_log_in_again, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
