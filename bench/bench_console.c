/*  bench_console: the cost of one live change in the console, from the
    change event to the screen: wbc_model_apply_change, then wbc_app_settle
    and wbc_view_draw
    on a headless 160x45 screen (curses computes the update as it would for
    a terminal). Measured with 100 and with 100,000 interactions in the
    pane; the target is that the large pane costs at most twice the small.

    Each case: a warm-up, then ROUNDS rounds of OPERATIONS changes each
    (alternately one placed in and one taken out, so the size stays put);
    the median and the p99 of the per-change time are reported, as one row
    of the table of bench/run-bench.sh (the 100-interaction pane is the
    baseline).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <locale.h>
#include "wbc_model.h"
#include "wbc_view.h"
#include "bench_util.h"

#define ROUNDS 15
#define OPERATIONS 400

static int64_t
s_now_ns (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
}

static wb_kvlist_t *
s_interaction (long number)
{
    char id [32], subject [64], from [64];
    snprintf (id, sizeof (id), "%016lX", number);
    snprintf (subject, sizeof (subject), "Order %ld — café 日本", number);
    snprintf (from, sizeof (from), "client%ld@example.com", number);
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, "InteractionId", id);
    wb_kvlist_add_string (interaction, "Subject", subject);
    wb_kvlist_add_string (interaction, "FromAddress", from);
    wb_kvlist_add_string (interaction, "ReceivedAt", "2026-11-24T09:00:00Z");
    wb_kvlist_add_int (interaction, "InteractionState", 0);
    return interaction;
}

//  A model with one pane (draft@a1) holding size interactions at version 1.
static wbc_model_t *
s_model (long size)
{
    wbc_model_t *model = wbc_model_new ();
    wbc_sidebar_entry_t entry = { .type_id = "draft", .owner_id = "a1",
                                  .owner_attribute = "WorkbinAgentId", .type_name = "Drafts",
                                  .owner_name = "Ann", .relation = "own",
                                  .columns = "From,Subject,Received,Age,State" };
    wbc_model_open_pane (model, &entry);
    wbc_model_begin_fetch (model, 0);
    //  page by page, 10,000 at most each, as the server sends them
    for (long from = 0; from < size; from += 10000) {
        wb_kvlist_t *interactions = wb_kvlist_new ();
        for (long number = from; number < size && number < from + 10000; number++) {
            wb_kvlist_t *interaction = s_interaction (number);
            wb_kvlist_add_list (interactions, "Interaction", &interaction);
        }
        wb_msg_t *content = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
        wb_kvlist_t *body = wb_msg_body (content);
        wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
        wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, 1);
        wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, size);
        wb_kvlist_add_int (body, WB_ATTR_FROM, from);
        wb_event_content_t page;
        wb_event_read_content (content, &page);
        wbc_model_apply_page (model, 0, &page, 0, 0);
        wb_msg_destroy (&content);
    }
    if (wb_replica_size (wbc_model_pane (model, 0)->replica) != (size_t) size)
        abort ();
    return model;
}

static wb_kvlist_t *
s_event (int operation, int64_t version, long number)
{
    wb_kvlist_t *event = wb_kvlist_new ();
    wb_kvlist_add_int (event, "WorkbinContentOperation", operation);
    wb_kvlist_add_string (event, "WorkbinTypeId", "draft");
    wb_kvlist_add_string (event, "WorkbinAgentId", "a1");
    wb_kvlist_t *interaction = s_interaction (number);
    wb_kvlist_add_list (event, "Interaction", &interaction);
    wb_kvlist_add_int (event, "WorkbinVersion", version);
    return event;
}

static int
s_compare (const void *a, const void *b)
{
    int64_t left = *(const int64_t *) a, right = *(const int64_t *) b;
    return left < right ? -1 : left > right;
}

typedef struct {
    double median_us;
    double p99_us;
} s_result_t;

//  Time every change; events are built beforehand so only the console's
//  work is measured.
static s_result_t
s_measure (wbc_view_t *view, long size)
{
    wbc_model_t *model = s_model (size);
    wbc_app_t *app = wbc_app_new (model, NULL, NULL);
    int columns, lines;
    wbc_view_size (view, &columns, &lines);
    wbc_app_resize (app, columns, lines);
    int64_t *samples = calloc (ROUNDS * OPERATIONS, sizeof (int64_t));
    int64_t version = 1;
    wb_kvlist_t *events [OPERATIONS];
    for (int round = -1, taken = 0; round < ROUNDS; round++) {
        for (int index = 0; index < OPERATIONS; index++)
            events [index] = s_event (index % 2 ? 1 : 2, ++version,
                                     10000000L + (round + 1) * OPERATIONS + index - index % 2);
        for (int index = 0; index < OPERATIONS; index++) {
            int64_t start = s_now_ns ();
            if (wbc_model_apply_change (model, events [index], 0) >= 0)
                abort ();           //  a gap: the benchmark would measure nothing
            wbc_app_settle (app);
            wbc_view_draw (view, model, wbc_app_ui (app), wbc_app_layout (app), NULL, 0, 1764000000000);
            int64_t spent = s_now_ns () - start;
            if (round >= 0)         //  round -1 is the warm-up
                samples [taken++] = spent;
            wb_kvlist_destroy (&events [index]);
        }
    }
    qsort (samples, ROUNDS * OPERATIONS, sizeof (int64_t), s_compare);
    s_result_t result = { samples [ROUNDS * OPERATIONS / 2] / 1000.0,
                          samples [ROUNDS * OPERATIONS * 99 / 100] / 1000.0 };
    free (samples);
    wbc_app_destroy (&app);
    wbc_model_destroy (&model);
    return result;
}

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    wbc_view_t *view = wbc_view_new (true, 160, 45, true, false);
    if (!view) {
        fprintf (stderr, "bench_console: no headless screen\n");
        return 1;
    }
    s_result_t small = s_measure (view, 100);
    s_result_t large = s_measure (view, 100000);
    wbc_view_destroy (&view);
    double ratio = large.median_us / small.median_us;
    bench_note ("apply change + redraw: 100 interactions median %.1f µs, p99 %.1f µs; "
                "100,000 interactions median %.1f µs, p99 %.1f µs", small.median_us,
                small.p99_us, large.median_us, large.p99_us);
    char ours [96], baseline [96];
    snprintf (ours, sizeof (ours), "median %.1f µs, p99 %.1f µs (100,000 in the pane)",
              large.median_us, large.p99_us);
    snprintf (baseline, sizeof (baseline), "median %.1f µs, p99 %.1f µs (100 in the pane)",
              small.median_us, small.p99_us);
    bench_row ("console: one live change, apply + redraw", ours, baseline, ratio, "ratio ≤ 2",
               ratio <= 2.0);
    return 0;
}
