/*  bench_open: a 100,000-interaction workbin, through a real server (in
    this process, as bench_server's cases), each figure against a baseline
    measured in the same run; bench/run-bench.sh runs it once per case:

    open       the console opens the workbin: its pane fetches every page
               into the model as wbc_session does (bench_fetch: the two
               pages ahead asked for at a glance at each reply),
               and the screen is drawn on a headless 160x45 screen
               (wbc_app_settle, wbc_view_draw) once the first page is in,
               as the console draws it while the next pages come, and again
               at the end. Two rows: the first screen drawn, against a raw
               ZeroMQ request/reply of the first page's frames; every page
               in the model, against raw request/replies of all the frames
               asked for in the same turns (the same bytes received)
    deep-page  the page at 99,500 as a page-by-page fetch reads it (after
               the one at 99,000), against the page at 0; and, reported
               only, the page at 99,500 asked for alone

    The server's page cache is off (--page-cache 0): these rounds open the
    same workbin again and again, which the cache would serve from memory,
    while what they measure is a first open, read from the store, and the
    store's paging.

    Rounds of ours and of the baseline alternate; the figure is the median
    over the rounds after a warm-up one. Rows go to stdout, progress to
    stderr.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include "bench_util.h"
#include "bench_data.h"
#include "bench_raw.h"
#include "bench_fetch.h"
#include "wbc_view.h"

#define TIMEOUT_MS 10000
#define WORKBIN_SIZE 100000
#define DEEP_FROM 99500
#define PAGES_MAX 512             /* of the open: 200 of 500 */
#define OPEN_ROUNDS 5
#define DEEP_ROUNDS 31
#define WALL_MS 1764000000000     /* the clock the screen is drawn at */

typedef struct {
    wb_client_t *client;
    zsock_t *dealer;              /* of the raw server */
    wbc_view_t *view;
    size_t pages;                 /* of an open */
    size_t request_sizes [PAGES_MAX][3];
    size_t reply_sizes [PAGES_MAX][3];
    size_t bytes;                 /* of every reply of an open */
} s_bench_t;

// ---------------------------------------------------------------- open

static wb_msg_t *
s_page (s_bench_t *bench, int64_t from)
{
    wb_msg_t *request = bench_content_request ("a0001", from);
    return wb_client_request (bench->client, &request, TIMEOUT_MS);
}

//  Draw the screen as the console does after a pass.
static void
s_draw (s_bench_t *bench, wbc_model_t *model, wbc_app_t *app)
{
    wbc_app_settle (app);
    wbc_view_draw (bench->view, model, wbc_app_ui (app), wbc_app_layout (app), NULL, 0, WALL_MS);
}

typedef struct {
    s_bench_t *bench;
    wbc_model_t *model;
    wbc_app_t *app;
    bool take_sizes;
    int64_t start;
    double *first_screen;
} s_fetch_t;

//  Each page as bench_fetch tells of it: its frame sizes on the warm-up
//  (for the baseline, by encoding again); the first one drawn.
static void
s_fetch_told (void *arg, size_t page, const wb_msg_t *request, const wb_msg_t *reply)
{
    s_fetch_t *fetch = arg;
    if (fetch->take_sizes && page < PAGES_MAX) {
        wb_msg_t *copy = wb_msg_dup (request ? request : reply);
        wb_msg_set_reference_id (copy, 1000000);
        bench_msg_frame_sizes (copy, request ? fetch->bench->request_sizes [page]
                                             : fetch->bench->reply_sizes [page]);
        wb_msg_destroy (&copy);
    }
    if (reply && page == 0) {
        s_draw (fetch->bench, fetch->model, fetch->app);
        *fetch->first_screen = bench_seconds_since (fetch->start);
    }
}

//  Fetch every page into a new pane of model, as the console does
//  (bench_fetch). 0 when the pane holds the whole workbin.
static int
s_fetch (s_bench_t *bench, wbc_model_t *model, wbc_app_t *app, bool take_sizes,
         int64_t start, double *first_screen)
{
    s_fetch_t fetch = { bench, model, app, take_sizes, start, first_screen };
    size_t pages = 0;
    int rc = bench_fetch (bench->client, model, "a0001", PAGES_MAX, TIMEOUT_MS, s_fetch_told,
                          &fetch, &pages);
    bench->pages = pages;
    size_t loaded = wb_replica_size (wbc_model_pane (model, 0)->replica);
    return rc == 0 && loaded == WORKBIN_SIZE ? 0 : -1;
}

//  One open: the model and the console's state are made before the clock
//  starts (the console has them when a workbin is opened). Seconds until
//  every page is in and drawn, or -1; *first_screen: until the first.
static double
s_open_ours (s_bench_t *bench, bool take_sizes, double *first_screen)
{
    wbc_model_t *model = wbc_model_new ();
    wbc_app_t *app = wbc_app_new (model, NULL, NULL);
    int columns, lines;
    wbc_view_size (bench->view, &columns, &lines);
    wbc_app_resize (app, columns, lines);
    int64_t start = bench_now_ns ();
    int rc = s_fetch (bench, model, app, take_sizes, start, first_screen);
    s_draw (bench, model, app);
    double seconds = bench_seconds_since (start);
    wbc_app_destroy (&app);
    wbc_model_destroy (&model);
    return rc == 0 ? seconds : -1;
}

static int
s_open_raw_ask (void *arg, size_t page)
{
    s_bench_t *bench = arg;
    return bench_raw_ask (bench->dealer, bench->request_sizes [page], bench->reply_sizes [page]);
}

//  The same frames over raw ZeroMQ, asked for in the same turns; seconds
//  for all, or -1; *first: for the first page.
static double
s_open_raw (s_bench_t *bench, double *first)
{
    int64_t start = bench_now_ns ();
    if (bench_fetch_raw (bench->dealer, bench->pages, s_open_raw_ask, bench, TIMEOUT_MS,
                         first) < 0)
        return -1;
    return bench_seconds_since (start);
}

static int
s_case_open (s_bench_t *bench)
{
    bench_samples_t ours = { 0 }, raw = { 0 }, ours_first = { 0 }, raw_first = { 0 };
    int rc = 0;
    for (int round = -1; rc == 0 && round < OPEN_ROUNDS; round++) {
        double first_screen = -1, raw_first_page = -1;
        double ours_seconds = s_open_ours (bench, round < 0, &first_screen);
        double raw_seconds = ours_seconds < 0 ? -1 : s_open_raw (bench, &raw_first_page);
        rc = ours_seconds < 0 || raw_seconds < 0 ? -1 : 0;
        if (round == -1) {
            for (size_t page = 0; page < bench->pages; page++)
                for (int frame = 0; frame < 3; frame++)
                    bench->bytes += bench->reply_sizes [page][frame];
        }
        else
        if (rc == 0) {
            bench_samples_add (&ours, ours_seconds * 1000);
            bench_samples_add (&raw, raw_seconds * 1000);
            bench_samples_add (&ours_first, first_screen * 1000);
            bench_samples_add (&raw_first, raw_first_page * 1000);
        }
    }
    if (rc == 0) {
        double ours_ms = bench_samples_quantile (&ours, 0.5);
        double raw_ms = bench_samples_quantile (&raw, 0.5);
        double first_ms = bench_samples_quantile (&ours_first, 0.5);
        double raw_first_ms = bench_samples_quantile (&raw_first, 0.5);
        char ours_text [96], raw_text [96], first_text [96], raw_first_text [96];
        snprintf (first_text, sizeof (first_text), "%.1f ms (the first page of %zu, drawn)",
                  first_ms, bench->pages);
        snprintf (raw_first_text, sizeof (raw_first_text), "%.1f ms (its bytes)", raw_first_ms);
        snprintf (ours_text, sizeof (ours_text), "%.0f ms (%zu pages, %.1f MB)", ours_ms,
                  bench->pages, (double) bench->bytes / 1e6);
        snprintf (raw_text, sizeof (raw_text), "%.0f ms (the same bytes)", raw_ms);
        bench_note ("open: %zu rounds each", ours.size);
        bench_row ("open a 100,000-interaction workbin in the console, first screen drawn",
                   first_text, raw_first_text, first_ms / raw_first_ms, "≤ 150 ms",
                   first_ms <= 150);
        bench_row ("open a 100,000-interaction workbin in the console, every page in the model",
                   ours_text, raw_text, ours_ms / raw_ms, "reported", -1);
    }
    bench_samples_free (&ours);
    bench_samples_free (&raw);
    bench_samples_free (&ours_first);
    bench_samples_free (&raw_first);
    return rc;
}

// ---------------------------------------------------------------- deep page

//  Time one page request (its reply decoded, as every client does);
//  seconds, or -1. Its interactions are counted into *count.
static double
s_time_page (s_bench_t *bench, int64_t from, size_t *count)
{
    int64_t start = bench_now_ns ();
    wb_msg_t *reply = s_page (bench, from);
    double seconds = bench_seconds_since (start);
    wb_event_content_t page;
    wb_event_read_content (reply, &page);
    *count = reply ? wb_kvlist_size (page.interactions) : 0;
    wb_msg_destroy (&reply);
    return reply || *count ? seconds : -1;
}

static int
s_case_deep_page (s_bench_t *bench)
{
    bench_samples_t first = { 0 }, deep = { 0 }, alone = { 0 };
    int rc = 0;
    for (int round = -1; rc == 0 && round < DEEP_ROUNDS; round++) {
        size_t first_count = 0, deep_count = 0, alone_count = 0, skipped = 0;
        double first_seconds = s_time_page (bench, 0, &first_count);
        //  a fetch that reads page after page reaches 99,500 from 99,000
        s_time_page (bench, DEEP_FROM - (int64_t) first_count, &skipped);
        double deep_seconds = s_time_page (bench, DEEP_FROM, &deep_count);
        //  alone: the page read before it is elsewhere
        s_time_page (bench, 0, &skipped);
        double alone_seconds = s_time_page (bench, DEEP_FROM, &alone_count);
        if (first_seconds < 0 || deep_seconds < 0 || alone_seconds < 0
        ||  first_count == 0 || deep_count != first_count || alone_count != first_count)
            rc = -1;
        else
        if (round >= 0) {
            bench_samples_add (&first, first_seconds * 1000);
            bench_samples_add (&deep, deep_seconds * 1000);
            bench_samples_add (&alone, alone_seconds * 1000);
        }
    }
    if (rc == 0) {
        double first_ms = bench_samples_quantile (&first, 0.5);
        double deep_ms = bench_samples_quantile (&deep, 0.5);
        double alone_ms = bench_samples_quantile (&alone, 0.5);
        char first_text [96], deep_text [96], alone_text [96];
        snprintf (first_text, sizeof (first_text), "%.2f ms (page at 0)", first_ms);
        snprintf (deep_text, sizeof (deep_text), "%.2f ms (page at 99,500 after 99,000)", deep_ms);
        snprintf (alone_text, sizeof (alone_text), "%.2f ms (page at 99,500 asked alone)", alone_ms);
        bench_note ("deep page: %zu rounds", first.size);
        bench_row ("deep page: content page at 99,500 vs at 0, 100,000 interactions, "
                   "page by page", deep_text, first_text, deep_ms / first_ms, "ratio ≤ 1.2",
                   deep_ms / first_ms <= 1.2);
        bench_row ("deep page: the page at 99,500 asked for alone (no page before it)",
                   alone_text, first_text, alone_ms / first_ms, "reported", -1);
    }
    bench_samples_free (&first);
    bench_samples_free (&deep);
    bench_samples_free (&alone);
    return rc;
}

// ---------------------------------------------------------------- main

static int
s_run (const char *name, bench_site_t *site)
{
    if (bench_fill_store (site->database, 1, 1, WORKBIN_SIZE, 1))
        return -1;
    zactor_t *server = bench_site_start (site);
    char raw_endpoint [256];
    zactor_t *raw_server = bench_raw_server_start (raw_endpoint, sizeof (raw_endpoint));
    s_bench_t *bench = calloc (1, sizeof (s_bench_t));
    bench->client = server ? bench_client (site->endpoint, NULL) : NULL;
    bench->dealer = raw_server ? bench_raw_dealer (raw_endpoint) : NULL;
    bench->view = wbc_view_new (true, 160, 45, true, false);
    int rc = bench->client && bench->dealer && bench->view ? 0 : -1;
    if (rc == 0)
        rc = strcmp (name, "open") == 0 ? s_case_open (bench) : s_case_deep_page (bench);
    wbc_view_destroy (&bench->view);
    zsock_destroy (&bench->dealer);
    wb_client_destroy (&bench->client);
    free (bench);
    zactor_destroy (&raw_server);
    zactor_destroy (&server);
    return rc;
}

int
main (int argc, char *argv [])
{
    setlocale (LC_ALL, "C.UTF-8");
    if (argc != 2 || (strcmp (argv [1], "open") != 0 && strcmp (argv [1], "deep-page") != 0)) {
        fprintf (stderr, "usage: bench_open open|deep-page\n");
        return 2;
    }
    bench_prepare_process (1000, 1);
    bench_site_t site;
    if (bench_site_new (&site, argv [1], 4)) {
        bench_note ("%s: cannot create the server's files", argv [1]);
        return 1;
    }
    site.options.page_cache_bytes = -1;         //  every page from the store
    int64_t start = bench_now_ns ();
    int rc = s_run (argv [1], &site);
    bench_note ("%s: %s in %.1f s", argv [1], rc ? "FAILED" : "done", bench_seconds_since (start));
    bench_site_remove (&site);
    return rc ? 1 : 0;
}
