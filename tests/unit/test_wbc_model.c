/*  Tests of the console's model, without a terminal: sidebar from
    EventWorkbinTypesInfo, panes, paged fetches, live changes with gaps and
    duplicates, selection kept on its interaction, search, status history,
    trace. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "wbc_columns.h"
#include "wbc_model.h"
#include "wb_msg.h"
#include "wb_clock.h"

//  An EventWorkbinTypesInfo: draft (agent owned: own a1, team a2) and
//  team (agent group owned: sales), both with these Columns.
static wb_msg_t *
s_types_info_with (const char *columns)
{
    wb_kvlist_t *types = wb_kvlist_new ();
    const struct { const char *type, *name; int owner_type; const char *owners [2], *relations [2]; } rows [] = {
        { "draft", "Drafts", 1, { "a1", "a2" }, { "own", "team" } },
        { "team", "Team queue", 4, { "sales", NULL }, { "group", NULL } },
    };
    for (size_t row = 0; row < 2; row++) {
        wb_kvlist_t *info = wb_kvlist_new ();
        wb_kvlist_add_string (info, "WorkbinTypeId", rows [row].type);
        wb_kvlist_add_string (info, "DisplayName", rows [row].name);
        wb_kvlist_add_int (info, "WorkbinType", rows [row].owner_type);
        wb_kvlist_add_string (info, "Columns", columns);
        wb_kvlist_t *owners = wb_kvlist_new ();
        for (size_t index = 0; index < 2 && rows [row].owners [index]; index++) {
            wb_kvlist_t *owner = wb_kvlist_new ();
            wb_kvlist_add_string (owner, "OwnerId", rows [row].owners [index]);
            wb_kvlist_add_string (owner, "OwnerName", rows [row].owners [index]);
            wb_kvlist_add_string (owner, "Relation", rows [row].relations [index]);
            wb_kvlist_add_int (owner, "NumberOfInteractions", 3);
            wb_kvlist_add_list (owners, "Owner", &owner);
        }
        wb_kvlist_add_list (info, "Owners", &owners);
        wb_kvlist_add_list (types, "WorkbinTypeInfo", &info);
    }
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_add_list (wb_msg_body (event), WB_ATTR_WORKBIN_TYPES, &types);
    return event;
}

static wb_msg_t *
s_types_info (void)
{
    return s_types_info_with ("From,Subject");
}

//  Read an EventWorkbinTypesInfo as the session does and give it to the
//  model; destroys the event.
static void
s_set_types (wbc_model_t *model, wb_msg_t *event)
{
    wb_event_types_t types;
    assert_int_equal (wb_event_read_types (event, &types), 0);
    wbc_model_set_workbin_types (model, &types);
    wb_msg_destroy (&event);
}

static wb_kvlist_t *
s_interaction (int number, const char *subject)
{
    char id [16];
    snprintf (id, sizeof (id), "I%03d", number);   //  I001... (wider past 999)
    wb_kvlist_t *interaction = wb_kvlist_new ();
    wb_kvlist_add_string (interaction, "InteractionId", id);
    wb_kvlist_add_string (interaction, "Subject", subject);
    return interaction;
}

//  An EventWorkbinContent page of interactions first..last (numbers).
static wb_msg_t *
s_page (int first, int last, int64_t from, int64_t total, int64_t version)
{
    wb_kvlist_t *interactions = wb_kvlist_new ();
    for (int number = first; number <= last; number++) {
        wb_kvlist_t *interaction = s_interaction (number, "hello");
        wb_kvlist_add_list (interactions, "Interaction", &interaction);
    }
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_CONTENT);
    wb_kvlist_t *body = wb_msg_body (event);
    wb_kvlist_add_list (body, WB_ATTR_INTERACTIONS, &interactions);
    wb_kvlist_add_int (body, WB_ATTR_WORKBIN_VERSION, version);
    wb_kvlist_add_int (body, WB_ATTR_TOTAL_COUNT, total);
    wb_kvlist_add_int (body, WB_ATTR_FROM, from);
    return event;
}

//  Read an EventWorkbinContent as the session does and give it to a pane;
//  destroys the event. Returns what wbc_model_apply_page does.
static int64_t
s_apply_page (wbc_model_t *model, size_t pane, wb_msg_t *event)
{
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (event, &page), 0);
    int64_t next = wbc_model_apply_page (model, pane, &page, 0, 0);
    wb_msg_destroy (&event);
    return next;
}

static wb_kvlist_t *
s_change (int operation, int64_t version, int number, const char *subject)
{
    wb_kvlist_t *event = wb_kvlist_new ();
    wb_kvlist_add_int (event, "WorkbinContentOperation", operation);
    wb_kvlist_add_string (event, "WorkbinTypeId", "draft");
    wb_kvlist_add_string (event, "WorkbinAgentId", "a1");
    wb_kvlist_t *interaction = s_interaction (number, subject);
    wb_kvlist_add_list (event, "Interaction", &interaction);
    wb_kvlist_add_int (event, "WorkbinVersion", version);
    return event;
}

static int
s_apply_change (wbc_model_t *model, int operation, int64_t version, int number, const char *subject)
{
    wb_kvlist_t *event = s_change (operation, version, number, subject);
    int result = wbc_model_apply_change (model, event, 1000);
    wb_kvlist_destroy (&event);
    return result;
}

//  A model with the sidebar loaded and draft@a1 open and loaded with
//  I001..I005 at version 10.
static wbc_model_t *
s_loaded_model (void)
{
    wbc_model_t *model = wbc_model_new ();
    s_set_types (model, s_types_info ());
    assert_int_equal (wbc_model_open_pane (model, wbc_model_sidebar_find (model, "draft")), 0);
    wbc_model_begin_fetch (model, 0);
    assert_int_equal (s_apply_page (model, 0, s_page (1, 5, 0, 5, 10)), -1);
    return model;
}

//  s_page as a client receives it (kept with their structure checked
//  only), the subject of interaction bad no longer UTF-8 on the way.
static wb_msg_t *
s_page_with_a_fault (int first, int last, int bad, int64_t version)
{
    wb_msg_t *event = s_page (first, last, 0, last - first + 1, version);
    char subject [16];
    snprintf (subject, sizeof (subject), "bad-%d", bad);
    wb_kvlist_t *items = wb_kvlist_list (wb_msg_body (event), WB_ATTR_INTERACTIONS);
    wb_kvlist_set_string (wb_kvlist_list_at (items, (size_t) (bad - first)), "Subject", subject);
    zmsg_t *zmsg = wb_msg_encode (event);
    wb_msg_destroy (&event);
    zframe_t *frame = zmsg_last (zmsg);
    uint8_t *data = zframe_data (frame);
    for (size_t offset = 0; offset + 4 <= zframe_size (frame); offset++)
        if (memcmp (data + offset, "bad-", 4) == 0)
            data [offset + 1] = 0xff;
    zsock_t *sender = zsock_new (ZMQ_PAIR), *receiver = zsock_new (ZMQ_PAIR);
    assert_int_equal (zsock_bind (sender, "inproc://test-wbc-model-fault"), 0);
    assert_int_equal (zsock_connect (receiver, "inproc://test-wbc-model-fault"), 0);
    assert_int_equal (zmsg_send (&zmsg, sender), 0);
    wb_codec_status_t status = WB_CODEC_STATUS_COUNT;
    event = wb_msg_recv (receiver, &status, NULL, NULL);
    assert_int_equal (status, WB_CODEC_OK);
    zsock_destroy (&receiver);
    zsock_destroy (&sender);
    return event;
}

static const char *
s_id_at (wbc_model_t *model, size_t pane, size_t row)
{
    return wb_kvlist_string (wb_replica_at (wbc_model_pane (model, pane)->replica, row), "InteractionId");
}

//  A page received with one interaction that cannot be read: loaded whole,
//  that row says so when selected, the others read as ever.
static void
test_a_row_that_cannot_be_read_is_loaded_and_named (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    s_set_types (model, s_types_info ());
    assert_int_equal (wbc_model_open_pane (model, wbc_model_sidebar_find (model, "draft")), 0);
    wbc_model_begin_fetch (model, 0);
    assert_int_equal (s_apply_page (model, 0, s_page_with_a_fault (1, 5, 3, 10)), -1);
    assert_int_equal (wbc_model_pane_rows (wbc_model_pane (model, 0)), 5);
    char text [160] = "";
    assert_false (wbc_model_selected_unreadable (model, text, sizeof (text)));
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model),
                                           "InteractionId"), "I001");
    wbc_model_move_selection (model, 2, 10);
    assert_null (wbc_model_selected_interaction (model));
    assert_true (wbc_model_selected_unreadable (model, text, sizeof (text)));
    assert_string_equal (text, "this interaction cannot be read: string is not valid UTF-8");
    wbc_model_select_last (model, 10);
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model),
                                           "InteractionId"), "I005");
    wbc_model_destroy (&model);
}

static void
test_degenerate_calls (void **state)
{
    (void) state;
    wbc_model_t *model = NULL;
    wbc_model_destroy (&model);
    wbc_model_destroy (NULL);
    model = wbc_model_new ();
    assert_int_equal (wbc_model_pane_count (model), 0);
    assert_null (wbc_model_pane (model, 0));
    assert_null (wbc_model_sidebar_find (model, "draft"));
    assert_null (wbc_model_sidebar_find (model, NULL));
    assert_int_equal (wbc_model_open_pane (model, NULL), -1);
    assert_null (wbc_model_selected_interaction (model));
    assert_false (wbc_model_search (model, "x", 1, 10, NULL));
    wbc_model_move_selection (model, 5, 10);
    wbc_model_close_pane (model, 3);
    assert_null (wbc_model_last_status (model));
    assert_int_equal (wbc_model_trace_size (model), 0);
    assert_int_equal (wbc_model_apply_page (model, 0, NULL, 0, 0), -1);
    assert_true (wbc_model_dirty (model) & WBC_DIRTY_LAYOUT);
    wbc_model_destroy (&model);
}

static void
test_sidebar_from_types_info (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    s_set_types (model, s_types_info ());
    assert_int_equal (wbc_model_sidebar_size (model), 3);
    const wbc_sidebar_entry_t *team = wbc_model_sidebar_at (model, 2);
    assert_string_equal (team->type_id, "team");
    assert_string_equal (team->owner_attribute, "WorkbinGroupId");
    assert_int_equal (team->count, 3);
    //  TYPE alone: the agent's own; TYPE@OWNER: that one; unknown: none
    assert_string_equal (wbc_model_sidebar_find (model, "draft")->owner_id, "a1");
    assert_string_equal (wbc_model_sidebar_find (model, "draft@a2")->owner_id, "a2");
    assert_string_equal (wbc_model_sidebar_find (model, "team")->owner_id, "sales");
    assert_null (wbc_model_sidebar_find (model, "draft@a9"));
    assert_null (wbc_model_sidebar_find (model, "dra"));
    wbc_model_destroy (&model);
}

//  A server that sends nonsense (a type without its id, owners without
//  theirs or that are not lists, an unknown owner type, change events
//  without their interaction) adds no sidebar entry and changes no row.
static void
test_nonsense_from_the_server_is_ignored (void **state)
{
    (void) state;
    wb_kvlist_t *types = wb_kvlist_new ();
    for (int kind = 0; kind < 3; kind++) {
        wb_kvlist_t *info = wb_kvlist_new ();
        if (kind != 0)
            wb_kvlist_add_string (info, "WorkbinTypeId", "odd");
        wb_kvlist_add_int (info, "WorkbinType", kind == 2 ? 99 : 1);
        wb_kvlist_t *owners = wb_kvlist_new ();
        wb_kvlist_t *owner = wb_kvlist_new ();
        wb_kvlist_add_string (owner, "OwnerName", "no id");
        wb_kvlist_add_list (owners, "Owner", &owner);
        wb_kvlist_add_int (owners, "Owner", 7);
        wb_kvlist_add_list (info, "Owners", &owners);
        wb_kvlist_add_list (types, "WorkbinTypeInfo", &info);
    }
    wb_msg_t *event = s_types_info ();
    wb_kvlist_t *body = wb_msg_body (event);
    wb_kvlist_append (types, wb_kvlist_list (body, WB_ATTR_WORKBIN_TYPES));
    wb_kvlist_set_list (body, WB_ATTR_WORKBIN_TYPES, &types);
    wbc_model_t *model = s_loaded_model ();
    s_set_types (model, event);
    assert_int_equal (wbc_model_sidebar_size (model), 3);
    for (size_t index = 0; index < wbc_model_sidebar_size (model); index++) {
        assert_string_not_equal (wbc_model_sidebar_at (model, index)->type_id, "odd");
        assert_string_not_equal (wbc_model_sidebar_at (model, index)->owner_id, "(null)");
    }
    wb_kvlist_t *change = s_change (2, 11, 9, "x");
    wb_kvlist_remove (change, "Interaction");
    size_t rows = wb_replica_size (wbc_model_pane (model, 0)->replica);
    wbc_model_apply_change (model, change, 0);
    wb_kvlist_remove (change, "WorkbinVersion");
    wbc_model_apply_change (model, change, 0);
    wb_kvlist_destroy (&change);
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), rows);
    wbc_model_destroy (&model);
}

//  The sidebar as lines: a heading before each type's owners; owners by
//  name, with the id where two of a type share a name.
static void
test_sidebar_lines_and_labels (void **state)
{
    (void) state;
    wb_kvlist_t *types = wb_kvlist_new ();
    const char *rows [][3] = { { "draft", "a1", "Ann" }, { "draft", "a2", "Ann" },
                               { "draft", "a3", "Bo" }, { "queue", "g1", "Ann" } };
    for (size_t type = 0; type < 2; type++) {
        wb_kvlist_t *info = wb_kvlist_new ();
        wb_kvlist_add_string (info, "WorkbinTypeId", type ? "queue" : "draft");
        wb_kvlist_add_string (info, "DisplayName", type ? "Queues" : "Drafts");
        wb_kvlist_add_int (info, "WorkbinType", type ? WB_OWNER_AGENT_GROUP : WB_OWNER_AGENT);
        wb_kvlist_t *owners = wb_kvlist_new ();
        for (size_t row = 0; row < 4; row++) {
            if (strcmp (rows [row][0], type ? "queue" : "draft"))
                continue;
            wb_kvlist_t *owner = wb_kvlist_new ();
            wb_kvlist_add_string (owner, "OwnerId", rows [row][1]);
            wb_kvlist_add_string (owner, "OwnerName", rows [row][2]);
            wb_kvlist_add_list (owners, "Owner", &owner);
        }
        wb_kvlist_add_list (info, "Owners", &owners);
        wb_kvlist_add_list (types, "WorkbinTypeInfo", &info);
    }
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_WORKBIN_TYPES_INFO);
    wb_kvlist_add_list (wb_msg_body (event), "WorkbinTypes", &types);
    wbc_model_t *model = wbc_model_new ();
    s_set_types (model, event);
    assert_int_equal (wbc_model_sidebar_size (model), 4);
    assert_int_equal (wbc_model_sidebar_lines (model), 6);
    const long expected [] = { -1, 0, 1, 2, -1, 3 };
    for (size_t line = 0; line < 6; line++)
        assert_int_equal (wbc_model_sidebar_entry_at_line (model, line), expected [line]);
    assert_int_equal (wbc_model_sidebar_entry_at_line (model, 6), -1);
    assert_int_equal (wbc_model_sidebar_line_of (model, 3), 5);
    assert_string_equal (wbc_model_sidebar_at (model, 0)->label, "Ann (a1)");
    assert_string_equal (wbc_model_sidebar_at (model, 1)->label, "Ann (a2)");
    assert_string_equal (wbc_model_sidebar_at (model, 2)->label, "Bo");
    assert_string_equal (wbc_model_sidebar_at (model, 3)->label, "Ann");     //  alone in its type
    wbc_model_destroy (&model);
}

//  Marks: toggled on the selection, a range from the last one, all shown
//  (or none if all are); listed in the pane's order; an interaction that
//  leaves loses its mark; cleared.
static void
test_marks (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();          //  draft@a1: I001..I005
    wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_int_equal (wbc_model_marked (pane, NULL, 0), 0);
    wbc_model_move_selection (model, 1, 10);         //  I002
    assert_int_equal (wbc_model_toggle_mark (model), 1);
    assert_true (wbc_model_is_marked (pane, "I002"));
    wbc_model_move_selection (model, 2, 10);         //  I004
    assert_int_equal (wbc_model_mark_range (model), 3);
    const char *ids [8];
    assert_int_equal (wbc_model_marked (pane, ids, 8), 3);
    assert_string_equal (ids [0], "I002");
    assert_string_equal (ids [2], "I004");
    assert_int_equal (wbc_model_toggle_mark (model), 2);    //  I004 off
    //  I003 leaves the workbin: its mark goes
    assert_int_equal (s_apply_change (model, WB_CONTENT_TAKEN_OUT, 11, 3, "x"), -1);
    assert_int_equal (wbc_model_marked (pane, ids, 8), 1);
    assert_string_equal (ids [0], "I002");
    assert_int_equal (wbc_model_mark_all (model), 4);
    assert_int_equal (wbc_model_mark_all (model), 0);
    assert_int_equal (wbc_model_mark_all (model), 4);
    wbc_model_clear_marks (model, 0);
    assert_int_equal (wbc_model_marked (pane, NULL, 0), 0);
    assert_false (wbc_model_is_marked (pane, "I001"));
    wbc_model_destroy (&model);
}

static void
test_panes_open_focus_close (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    int second = wbc_model_open_pane (model, wbc_model_sidebar_find (model, "team"));
    assert_int_equal (second, 1);
    assert_int_equal (wbc_model_focus (model), 1);
    //  opening the same workbin again returns its pane
    assert_int_equal (wbc_model_open_pane (model, wbc_model_sidebar_find (model, "draft")), 0);
    assert_int_equal (wbc_model_pane_count (model), 2);
    wbc_model_toggle_maximised (model);
    assert_int_equal (wbc_model_maximised (model), 1);
    wbc_model_close_pane (model, 1);
    assert_int_equal (wbc_model_pane_count (model), 1);
    assert_int_equal (wbc_model_focus (model), 0);
    assert_int_equal (wbc_model_maximised (model), -1);
    assert_int_equal (wbc_model_find_pane (model, "draft", "a1"), 0);
    wbc_model_destroy (&model);
}

//  An EventPulledInteractions listing interactions first..last of total.
static wb_msg_t *
s_pulled (int first, int last, int64_t total)
{
    wb_msg_t *page = s_page (first, last, 0, 0, 0);
    wb_msg_t *event = wb_msg_new_row (WB_ROW_EVENT_PULLED_INTERACTIONS);
    wb_kvlist_t *list = wb_kvlist_dup (wb_kvlist_list (wb_msg_body (page), WB_ATTR_INTERACTIONS));
    wb_kvlist_add_list (wb_msg_body (event), WB_ATTR_INTERACTIONS, &list);
    wb_kvlist_add_int (wb_msg_body (event), WB_ATTR_TOTAL_COUNT, total);
    wb_msg_destroy (&page);
    return event;
}

//  The in-hand pane: one at most, found by its flag and never as a workbin;
//  opened without the focus, or with it; its rows are the list the server
//  sent, replaced whole, the selection following its interaction; live
//  changes to a workbin of the same owner never reach it.
static void
test_in_hand_pane (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_set_identity (model, "a1", "ipc://x");
    assert_int_equal (wbc_model_find_in_hand (model), -1);
    assert_int_equal (wbc_model_open_in_hand (model, false), 1);
    assert_int_equal (wbc_model_focus (model), 0);
    assert_int_equal (wbc_model_open_in_hand (model, true), 1);
    assert_int_equal (wbc_model_focus (model), 1);
    assert_int_equal (wbc_model_pane_count (model), 2);
    assert_int_equal (wbc_model_find_in_hand (model), 1);
    wbc_pane_t *pane = wbc_model_pane (model, 1);
    assert_true (pane->in_hand);
    assert_string_equal (pane->owner_id, "a1");
    assert_string_equal (pane->columns, WBC_IN_HAND_COLUMNS);
    assert_int_equal (wbc_model_find_pane (model, "", "a1"), -1);

    wb_msg_t *pulled_msg = s_pulled (7, 9, 600);
    wb_event_pulled_t pulled;
    assert_int_equal (wb_event_read_pulled (pulled_msg, &pulled), 0);
    wbc_model_begin_fetch (model, 1);
    wbc_model_apply_in_hand (model, 1, &pulled, 5000);
    assert_false (pane->loading);
    assert_int_equal (wb_replica_size (pane->replica), 3);
    assert_int_equal (pane->total, 600);
    assert_int_equal (pane->fetched_at_ms, 5000);
    assert_string_equal (s_id_at (model, 1, 2), "I009");
    wbc_model_move_selection (model, 1, 10);
    assert_string_equal (pane->selected_id, "I008");
    //  a change to draft@a1 goes to its pane only
    assert_int_equal (s_apply_change (model, WB_CONTENT_PLACED_IN, 11, 8, "again"), -1);
    assert_int_equal (wb_replica_size (pane->replica), 3);
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), 6);
    //  the next list without I007: the selection stays on I008
    wb_msg_destroy (&pulled_msg);
    pulled_msg = s_pulled (8, 9, 2);
    assert_int_equal (wb_event_read_pulled (pulled_msg, &pulled), 0);
    wbc_model_begin_fetch (model, 1);
    wbc_model_apply_in_hand (model, 1, &pulled, 6000);
    assert_int_equal (wb_replica_size (pane->replica), 2);
    assert_string_equal (s_id_at (model, 1, 0), "I008");
    assert_int_equal (pane->selected, 0);
    //  not for a workbin pane
    wbc_model_apply_in_hand (model, 0, &pulled, 6000);
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), 6);
    wb_msg_destroy (&pulled_msg);
    wbc_model_close_pane (model, 1);
    assert_int_equal (wbc_model_find_in_hand (model), -1);
    wbc_model_destroy (&model);
}

static void
test_paged_fetch_restarts_when_version_moves (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_begin_fetch (model, 0);
    assert_int_equal (s_apply_page (model, 0, s_page (1, 2, 0, 4, 20)), 2);
    //  another version: start over
    assert_int_equal (s_apply_page (model, 0, s_page (3, 4, 2, 4, 21)), 0);
    assert_int_equal (s_apply_page (model, 0, s_page (1, 2, 0, 4, 21)), 2);
    assert_int_equal (s_apply_page (model, 0, s_page (3, 4, 2, 4, 21)), -1);
    wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_false (pane->loading);
    assert_int_equal (wb_replica_size (pane->replica), 4);
    assert_int_equal (wb_replica_version (pane->replica), 21);
    wbc_model_destroy (&model);
}

//  The From of the next page is known before a page is applied (the
//  session asks for it at once): the same as applying it gives; none for
//  the last page, one that does not follow on, or another version. Each
//  fetch has its own serial, so that pages of a fetch given up are known.
static int64_t
s_page_after (wbc_model_t *model, wb_msg_t *event)
{
    wb_event_content_t page;
    assert_int_equal (wb_event_read_content (event, &page), 0);
    return wbc_model_page_after (model, 0, &page);
}

static void
test_next_page_known_before_applying (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_pane_t *pane = wbc_model_pane (model, 0);
    uint64_t serial = pane->fetch_serial;
    wbc_model_begin_fetch (model, 0);
    assert_true (pane->fetch_serial > serial);
    wb_msg_t *page = s_page (1, 2, 0, 5, 20);
    assert_int_equal (s_page_after (model, page), 2);
    assert_int_equal (s_apply_page (model, 0, page), 2);
    //  asked again, or another version: no page after it
    page = s_page (1, 2, 0, 5, 20);
    assert_int_equal (s_page_after (model, page), -1);
    wb_msg_destroy (&page);
    page = s_page (3, 4, 2, 5, 21);
    assert_int_equal (s_page_after (model, page), -1);
    wb_msg_destroy (&page);
    page = s_page (3, 4, 2, 5, 20);
    assert_int_equal (s_page_after (model, page), 4);
    assert_int_equal (s_apply_page (model, 0, page), 4);
    //  the last page
    page = s_page (5, 5, 4, 5, 20);
    assert_int_equal (s_page_after (model, page), -1);
    assert_int_equal (s_apply_page (model, 0, page), -1);
    //  not loading: nothing to ask
    page = s_page (1, 2, 0, 5, 20);
    assert_int_equal (s_page_after (model, page), -1);
    wb_msg_destroy (&page);
    assert_int_equal (wb_replica_size (pane->replica), 5);
    wbc_model_destroy (&model);
}

//  A page without WorkbinVersion has no version to load at: its rows show,
//  but the replica has no snapshot (and the next page, at version 0, is
//  another version); a page without TotalCount is the last, counting what
//  came.
static void
test_page_without_its_counts (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_pane_t *pane = wbc_model_pane (model, 0);
    wbc_model_begin_fetch (model, 0);
    wb_msg_t *page = s_page (1, 2, 0, 4, 0);
    wb_kvlist_remove (wb_msg_body (page), WB_ATTR_WORKBIN_VERSION);
    assert_int_equal (s_apply_page (model, 0, page), 2);
    assert_int_equal (s_apply_page (model, 0, s_page (3, 4, 2, 4, 0)), 0);
    page = s_page (1, 3, 0, 0, 0);
    wb_kvlist_remove (wb_msg_body (page), WB_ATTR_WORKBIN_VERSION);
    wb_kvlist_remove (wb_msg_body (page), WB_ATTR_TOTAL_COUNT);
    assert_int_equal (s_apply_page (model, 0, page), -1);
    assert_false (pane->loading);
    assert_int_equal (pane->total, 3);
    assert_int_equal (wb_replica_size (pane->replica), 3);
    assert_false (wb_replica_has_snapshot (pane->replica));
    //  with its version, the same page is a snapshot
    wbc_model_begin_fetch (model, 0);
    page = s_page (1, 3, 0, 0, 0);
    wb_kvlist_remove (wb_msg_body (page), WB_ATTR_TOTAL_COUNT);
    assert_int_equal (s_apply_page (model, 0, page), -1);
    assert_true (wb_replica_has_snapshot (pane->replica));
    assert_int_equal (pane->total, 3);
    wbc_model_destroy (&model);
}

//  No types: an empty sidebar; no page: an empty one, the last.
static void
test_no_types_and_no_page (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_begin_fetch (model, 0);
    assert_int_equal (wbc_model_apply_page (model, 0, NULL, 0, 0), -1);
    assert_false (wbc_model_pane (model, 0)->loading);
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), 0);
    wbc_model_sidebar_select (model, 2);
    wbc_model_set_workbin_types (model, NULL);
    assert_int_equal (wbc_model_sidebar_size (model), 0);
    assert_int_equal (wbc_model_sidebar_selected (model), 0);
    assert_null (wbc_model_sidebar_find (model, "draft"));
    //  an event that is not EventWorkbinTypesInfo reads as no types
    wb_msg_t *ack = wb_msg_new_row (WB_ROW_EVENT_ACK);
    wb_event_types_t types;
    assert_int_equal (wb_event_read_types (ack, &types), -1);
    wbc_model_set_workbin_types (model, &types);
    assert_int_equal (wbc_model_sidebar_size (model), 0);
    wb_msg_destroy (&ack);
    wbc_model_destroy (&model);
}

static void
test_large_workbin_loads_page_by_page (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_begin_fetch (model, 0);
    //  30,000 interactions: more than one list may hold (WB_ENTRIES_MAX)
    for (int from = 0; from < 30000; from += 10000) {
        int64_t next = s_apply_page (model, 0, s_page (from + 1, from + 10000, from, 30000, 40));
        assert_int_equal (next, from + 10000 < 30000 ? from + 10000 : -1);
        if (next > 0)
            assert_int_equal (wbc_model_pane (model, 0)->loaded, next);
    }
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), 30000);
    assert_false (wbc_model_pane (model, 0)->loading);
    wbc_model_destroy (&model);
}

static void
test_changes_apply_and_duplicates_are_ignored (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    assert_int_equal (s_apply_change (model, 2, 11, 6, "new one"), -1);
    assert_int_equal (s_apply_change (model, 1, 12, 2, ""), -1);
    assert_int_equal (s_apply_change (model, 3, 13, 1, "renamed"), -1);
    assert_int_equal (s_apply_change (model, 3, 13, 1, "renamed"), -1);   //  duplicate
    wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_int_equal (wb_replica_size (pane->replica), 5);
    assert_string_equal (s_id_at (model, 0, 4), "I006");
    assert_string_equal (wb_kvlist_string (wb_replica_at (pane->replica, 0), "Subject"), "renamed");
    assert_true (wbc_model_is_highlighted (pane, "I006", 1000 + WBC_HIGHLIGHT_MS - 1));
    assert_false (wbc_model_is_highlighted (pane, "I006", 1000 + WBC_HIGHLIGHT_MS));
    assert_false (wbc_model_is_highlighted (pane, "I003", 1000));
    //  an event for another workbin changes nothing here
    wb_kvlist_t *other = s_change (2, 14, 9, "elsewhere");
    wb_kvlist_set_string (other, "WorkbinAgentId", "a2");
    assert_int_equal (wbc_model_apply_change (model, other, 1000), -1);
    wb_kvlist_destroy (&other);
    //  nor one for a place of the same name, or for another type
    other = s_change (2, 14, 9, "elsewhere");
    wb_kvlist_remove (other, WB_ATTR_WORKBIN_AGENT_ID);
    wb_kvlist_add_string (other, WB_ATTR_WORKBIN_PLACE_ID, "a1");
    assert_int_equal (wbc_model_apply_change (model, other, 1000), -1);
    wb_kvlist_destroy (&other);
    other = s_change (2, 14, 9, "elsewhere");
    wb_kvlist_set_string (other, WB_ATTR_WORKBIN_TYPE_ID, "team");
    assert_int_equal (wbc_model_apply_change (model, other, 1000), -1);
    wb_kvlist_destroy (&other);
    assert_int_equal (wb_replica_size (pane->replica), 5);
    assert_int_equal (wb_replica_version (pane->replica), 13);
    wbc_model_destroy (&model);
}

static void
test_gap_asks_for_a_refetch (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    assert_int_equal (s_apply_change (model, 2, 12, 7, "skipped 11"), 0);
    wbc_model_destroy (&model);
}

static void
test_events_during_fetch_are_kept_and_applied (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_begin_fetch (model, 0);
    assert_int_equal (s_apply_change (model, 2, 11, 6, "during"), -1);
    assert_int_equal (s_apply_page (model, 0, s_page (1, 5, 0, 5, 10)), -1);
    assert_int_equal (wb_replica_size (wbc_model_pane (model, 0)->replica), 6);
    wbc_model_destroy (&model);
}

static void
test_selection_follows_its_interaction (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_move_selection (model, 2, 10);
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model), "InteractionId"), "I003");
    s_apply_change (model, 1, 11, 1, "");        //  a row above it leaves
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model), "InteractionId"), "I003");
    assert_int_equal (wbc_model_pane (model, 0)->selected, 1);
    s_apply_change (model, 1, 12, 3, "");        //  the selected row leaves
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model), "InteractionId"), "I004");
    wbc_model_select_last (model, 2);
    assert_string_equal (wb_kvlist_string (wbc_model_selected_interaction (model), "InteractionId"), "I005");
    assert_int_equal (wbc_model_pane (model, 0)->top, 1);   //  scrolled to show it in 2 rows
    wbc_model_move_selection (model, -100, 2);
    assert_int_equal (wbc_model_pane (model, 0)->selected, 0);
    assert_int_equal (wbc_model_pane (model, 0)->top, 0);
    wbc_model_destroy (&model);
}

static void
test_search_wraps_both_ways (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    s_apply_change (model, 3, 11, 4, "Invoice Überweisung");
    wbc_search_result_t result;
    assert_true (wbc_model_search (model, "überweisung", 1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 3);
    assert_int_equal (result.position, 1);
    assert_int_equal (result.count, 1);
    assert_false (result.wrapped);
    assert_true (wbc_model_search (model, "I002", -1, 10, NULL));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 1);
    assert_true (wbc_model_search (model, "I005", -1, 10, &result));   //  wraps backwards
    assert_true (result.wrapped);
    assert_false (wbc_model_search (model, "absent", 1, 10, &result));
    assert_int_equal (result.count, 0);
    assert_int_equal (result.position, 0);
    assert_false (result.wrapped);
    wbc_model_destroy (&model);
}

//  A search says which match it selected, of how many, and whether it
//  went round the end (or the start) to find it.
static void
test_search_counts_its_matches (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    size_t size = wb_replica_size (wbc_model_pane (model, 0)->replica);
    assert_true (size >= 3);
    wbc_search_result_t result;
    //  every row matches "I00": down from the first row is match 2
    assert_true (wbc_model_search (model, "i00", 1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 1);
    assert_int_equal (result.position, 2);
    assert_int_equal (result.count, size);
    assert_false (result.wrapped);
    wbc_model_select_last (model, 10);
    assert_true (wbc_model_search (model, "I00", 1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 0);
    assert_int_equal (result.position, 1);
    assert_true (result.wrapped);
    assert_true (wbc_model_search (model, "I00", -1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, size - 1);
    assert_int_equal (result.position, size);
    assert_true (result.wrapped);
    assert_true (wbc_model_search (model, "I00", -1, 10, &result));
    assert_int_equal (result.position, size - 1);
    assert_false (result.wrapped);
    //  the selection as the only match: found again, round the end
    assert_true (wbc_model_search (model, "I002", 1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 1);
    assert_true (wbc_model_search (model, "I002", 1, 10, &result));
    assert_int_equal (wbc_model_pane (model, 0)->selected, 1);
    assert_int_equal (result.position, 1);
    assert_int_equal (result.count, 1);
    assert_true (result.wrapped);
    wbc_model_destroy (&model);
}

static void
test_status_history_keeps_the_latest (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    for (int index = 0; index < WBC_HISTORY_MAX + 5; index++)
        wbc_model_status (model, index % 2 ? WBC_LEVEL_ERROR : WBC_LEVEL_ACK, index, "status %d", index);
    assert_int_equal (wbc_model_history_size (model), WBC_HISTORY_MAX);
    assert_string_equal (wbc_model_history_at (model, 0)->text, "status 5");
    const wbc_status_t *last = wbc_model_last_status (model);
    assert_string_equal (last->text, "status 504");
    assert_int_equal (last->level, WBC_LEVEL_ACK);
    wbc_model_destroy (&model);
}

//  The session sets liveness through the model; a change of liveness
//  marks the panes dirty, out-of-range panes are left alone.
static void
test_liveness_is_set_through_the_model (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_clear_dirty (model);
    wbc_model_set_want_live (model, 0, true);
    assert_true (wbc_model_pane (model, 0)->want_live);
    assert_false (wbc_model_pane (model, 0)->live);
    wbc_model_set_live (model, 0, true);
    assert_true (wbc_model_pane (model, 0)->live);
    assert_true (wbc_model_dirty (model) & WBC_DIRTY_PANES);
    wbc_model_clear_dirty (model);
    wbc_model_set_live (model, 0, true);            //  no change: nothing to draw
    assert_int_equal (wbc_model_dirty (model), 0);
    wbc_model_set_live (model, 0, false);
    wbc_model_set_want_live (model, 0, false);
    assert_false (wbc_model_pane (model, 0)->live || wbc_model_pane (model, 0)->want_live);
    wbc_model_set_live (model, 7, true);
    wbc_model_set_want_live (model, 7, true);
    wbc_model_destroy (&model);
}

//  A pane is scrolled down to show its selection in the rows the layout
//  gives it; never up (moving the selection does that).
static void
test_scroll_to_selection (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    wbc_model_move_selection (model, 4, 10);
    assert_int_equal (wbc_model_pane (model, 0)->top, 0);
    wbc_model_clear_dirty (model);
    wbc_model_scroll_to_selection (model, 0, 10);   //  it shows already
    assert_int_equal (wbc_model_pane (model, 0)->top, 0);
    assert_int_equal (wbc_model_dirty (model), 0);
    wbc_model_scroll_to_selection (model, 0, 2);    //  a smaller pane: rows 3 and 4
    assert_int_equal (wbc_model_pane (model, 0)->top, 3);
    assert_true (wbc_model_dirty (model) & WBC_DIRTY_PANES);
    wbc_model_scroll_to_selection (model, 0, 0);    //  0 rows count as 1
    assert_int_equal (wbc_model_pane (model, 0)->top, 4);
    wbc_model_scroll_to_selection (model, 0, 100);  //  all 5 fit: from the first
    assert_int_equal (wbc_model_pane (model, 0)->top, 0);
    wbc_model_scroll_to_selection (model, 3, 1);
    wbc_model_destroy (&model);
}

//  Live removals above the selection: the selection stays on its
//  interaction, and the pane scrolls up so that it is still in view (it
//  was off screen while Enter still acted on it).
static void
test_selection_stays_in_view_after_removals_above (void **state)
{
    (void) state;
    wbc_model_t *model = s_loaded_model ();
    for (int number = 6; number <= 40; number++)
        assert_int_equal (s_apply_change (model, WB_CONTENT_PLACED_IN, number + 5, number, "more"), -1);
    const size_t rows = 10;
    wbc_model_move_selection (model, 35, rows);               //  I036
    wbc_model_scroll_to_selection (model, 0, rows);
    const wbc_pane_t *pane = wbc_model_pane (model, 0);
    assert_string_equal (s_id_at (model, 0, pane->selected), "I036");
    assert_int_equal (pane->top, 26);
    for (int number = 1; number <= 20; number++)            //  the first 20 go
        s_apply_change (model, WB_CONTENT_TAKEN_OUT, 45 + number, number, "gone");
    wbc_model_scroll_to_selection (model, 0, rows);
    assert_string_equal (s_id_at (model, 0, pane->selected), "I036");
    assert_int_equal (pane->selected, 15);
    assert_true (pane->top <= pane->selected && pane->selected < pane->top + rows);
    assert_int_equal (pane->top, 10);        //  20 rows left: the last 10 shown
    wbc_model_destroy (&model);
}

//  Columns: the config file's for a type, else the server's, else the
//  console's default; names the console does not know are said on the
//  status line.
static void
test_columns_and_unknown_names (void **state)
{
    (void) state;
    wb_clock_pin (1764000000000);
    wbc_model_t *model = wbc_model_new ();
    s_set_types (model, s_types_info_with (""));
    assert_string_equal (wbc_model_sidebar_at (model, 0)->columns, WBC_COLUMNS_DEFAULT);
    assert_null (wbc_model_last_status (model));
    //  the config file names team's columns; the server names draft's
    assert_int_equal (wbc_model_set_columns (model, "team", "Subject, Colour"), 0);
    s_set_types (model, s_types_info_with ("From,Sender,Subject,Hue"));
    assert_string_equal (wbc_model_sidebar_at (model, 0)->columns, "From,Sender,Subject,Hue");
    assert_string_equal (wbc_model_sidebar_at (model, 2)->columns, "Subject, Colour");
    assert_int_equal (wbc_model_history_size (model), 2);
    const wbc_status_t *draft = wbc_model_history_at (model, 0);
    assert_int_equal (draft->level, WBC_LEVEL_ERROR);
    assert_int_equal (draft->time_ms, 1764000000000);
    assert_string_equal (draft->text, "workbin type draft: unknown columns 'Sender', 'Hue' ignored"
                         " (known: From, To, Subject, Received, Age, State, Priority, Owner)");
    assert_non_null (strstr (wbc_model_last_status (model)->text,
                             "workbin type team: unknown column 'Colour' ignored"));
    wbc_model_destroy (&model);
    wb_clock_unpin ();
}

static void
test_trace_summarises_and_saves (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wbc_model_set_identity (model, "a1", "tcp://127.0.0.1:7120");
    wb_kvlist_t *body = wb_kvlist_new ();
    wb_kvlist_add_string (body, "WorkbinTypeId", "draft");
    wb_kvlist_add_string (body, "WorkbinAgentId", "a1");
    wbc_model_trace (model, true, "RequestGetWorkbinContent", 7, body, 0);
    wb_kvlist_destroy (&body);
    wb_kvlist_t *event = s_change (2, 11, 6, "x");
    wbc_model_trace (model, false, "EventWorkbinContentChanged", 0, event, 0);
    wb_kvlist_destroy (&event);
    assert_int_equal (wbc_model_trace_size (model), 2);
    //  the agent is the first lifeline, then the server
    const wb_trace_t *trace = wbc_model_trace_log (model);
    assert_string_equal (wb_trace_party (trace, 0), "a1");
    assert_string_equal (wb_trace_party (trace, 1), "server");
    assert_int_equal (wb_trace_at (trace, 0)->kind, WB_TRACE_REQUEST);
    assert_string_equal (wb_trace_at (trace, 0)->workbin, "draft@a1");
    assert_non_null (strstr (wb_trace_at (trace, 1)->headline, "PlacedIn"));
    assert_non_null (strstr (wb_trace_at (trace, 1)->headline, "I006"));
    wbc_trace_view_t *view = wbc_model_trace_view (model);
    assert_int_equal (view->row_count, 2);
    //  unfocused, scrolled back at most to the oldest at the top
    wbc_model_scroll_trace (model, 5);
    assert_int_equal (wbc_model_trace_view (model)->back, 1);
    wbc_model_scroll_trace (model, -10);
    assert_int_equal (wbc_model_trace_view (model)->back, 0);
    wbc_model_set_trace_page (model, 2);
    wbc_model_scroll_trace (model, 5);
    assert_int_equal (wbc_model_trace_view (model)->back, 0);
    wbc_model_set_trace_page (model, 1);
    wbc_model_scroll_trace (model, 5);
    assert_int_equal (wbc_model_trace_view (model)->back, 1);
    wbc_model_set_trace_page (model, 10);
    assert_int_equal (wbc_model_trace_view (model)->back, 0);
    //  saved as text, by its extension; another extension is refused
    char path [] = "/tmp/wbc-trace-XXXXXX.txt";
    int fd = mkstemps (path, 4);
    assert_true (fd >= 0);
    close (fd);
    assert_int_equal (wbc_model_save_trace (model, path), 0);
    FILE *file = fopen (path, "r");
    char text [8192] = "";
    size_t size = fread (text, 1, sizeof (text) - 1, file);
    text [size] = 0;
    fclose (file);
    unlink (path);
    assert_non_null (strstr (text, "RequestGetWorkbinContent"));
    assert_non_null (strstr (text, "EventWorkbinContentChanged"));
    assert_int_equal (wbc_model_save_trace (model, "/nonexistent/dir/trace.txt"), -1);
    errno = 0;
    assert_int_equal (wbc_model_save_trace (model, "/tmp/trace.doc"), -1);
    assert_int_equal (errno, EINVAL);
    //  a mark, then a clear: numbers go on, the rows follow
    wbc_model_mark_trace (model, "phase 2", 0);
    assert_int_equal (wbc_model_trace_view (model)->row_count, 3);
    assert_int_equal (wb_trace_at (trace, 2)->kind, WB_TRACE_MARK);
    wbc_model_clear_trace (model);
    assert_int_equal (wbc_model_trace_size (model), 0);
    assert_int_equal (wbc_model_trace_view (model)->row_count, 0);
    wbc_model_destroy (&model);
}

//  The trace view: a filter keeps its rows, the selection moves, follows
//  the newest past the end, searches round, and stays on screen.
static void
test_trace_view_filters_selects_and_searches (void **state)
{
    (void) state;
    wbc_model_t *model = wbc_model_new ();
    wbc_model_set_identity (model, "a1", "ipc://@x");
    for (int index = 0; index < 6; index++) {
        wb_kvlist_t *body = wb_kvlist_new ();
        wb_kvlist_add_string (body, "WorkbinTypeId", index % 2 ? "draft" : "queue");
        wb_kvlist_add_string (body, "WorkbinAgentId", "a1");
        wbc_model_trace (model, true, "RequestGetWorkbinContent", index + 1, body, 0);
        wb_kvlist_destroy (&body);
    }
    wb_kvlist_t *error = wb_kvlist_new ();
    wb_kvlist_add_int (error, "ErrorCode", 14);
    wb_kvlist_add_string (error, "ErrorDescription", "logged in elsewhere");
    wbc_model_trace (model, false, "EventError", 6, error, 0);
    wb_kvlist_destroy (&error);
    const wb_trace_t *trace = wbc_model_trace_log (model);
    wbc_trace_view_t *view = wbc_model_trace_view (model);
    assert_int_equal (view->row_count, 7);
    char why [128] = "";
    assert_int_equal (wbc_trace_view_set_filter (view, "wb:draft@a1", why, sizeof (why)), 0);
    view = wbc_model_trace_view (model);
    assert_int_equal (view->row_count, 4);        //  three requests and the error's reply to one
    assert_int_equal (wbc_trace_view_set_filter (view, "errors", why, sizeof (why)), 0);
    view = wbc_model_trace_view (model);
    assert_int_equal (view->row_count, 1);
    assert_true (wbc_trace_view_selected (view, trace)->error);
    assert_int_equal (wbc_trace_view_set_filter (view, "wb:draft", why, sizeof (why)), -1);
    assert_non_null (strstr (why, "TYPE@OWNER"));
    assert_string_equal (view->filter_line, "errors");   //  the bad line changed nothing
    assert_int_equal (wbc_trace_view_set_filter (view, "", why, sizeof (why)), 0);
    view = wbc_model_trace_view (model);
    assert_int_equal (view->row_count, 7);
    //  following: the newest is selected; up moves, past the end follows
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 6);
    view->focused = true;
    wbc_trace_view_move (view, trace, -3);
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 3);
    assert_int_equal (view->selected, wb_trace_at (trace, 3)->number);
    assert_int_equal (wbc_trace_view_top (view, trace, 2), 2);
    wbc_trace_view_move (view, trace, -10);
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 0);
    assert_int_equal (wbc_trace_view_top (view, trace, 2), 0);
    //  a new message does not move a selection away from where it is
    wbc_model_mark_trace (model, "later", 0);
    view = wbc_model_trace_view (model);
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 0);
    wbc_trace_view_move (view, trace, 100);
    assert_int_equal (view->selected, 0);
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 7);
    //  search from the selection, round the end
    wbc_trace_view_select_first (view, trace);
    assert_true (wbc_trace_view_search (view, trace, "elsewhere", true));
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 6);
    assert_true (wbc_trace_view_search (view, trace, "queue", true));
    assert_int_equal (wbc_trace_view_selected_row (view, trace), 0);
    assert_false (wbc_trace_view_search (view, trace, "nowhere", true));
    //  chatter hidden: first pages are not chatter, they stay
    wbc_trace_view_set_chatter (view, false);
    assert_int_equal (wbc_model_trace_view (model)->row_count, 8);
    wbc_model_destroy (&model);
}

int
main (void)
{
    setlocale (LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_degenerate_calls),
        cmocka_unit_test (test_sidebar_from_types_info),
        cmocka_unit_test (test_nonsense_from_the_server_is_ignored),
        cmocka_unit_test (test_sidebar_lines_and_labels),
        cmocka_unit_test (test_marks),
        cmocka_unit_test (test_panes_open_focus_close),
        cmocka_unit_test (test_in_hand_pane),
        cmocka_unit_test (test_paged_fetch_restarts_when_version_moves),
        cmocka_unit_test (test_next_page_known_before_applying),
        cmocka_unit_test (test_page_without_its_counts),
        cmocka_unit_test (test_a_row_that_cannot_be_read_is_loaded_and_named),
        cmocka_unit_test (test_no_types_and_no_page),
        cmocka_unit_test (test_large_workbin_loads_page_by_page),
        cmocka_unit_test (test_changes_apply_and_duplicates_are_ignored),
        cmocka_unit_test (test_gap_asks_for_a_refetch),
        cmocka_unit_test (test_events_during_fetch_are_kept_and_applied),
        cmocka_unit_test (test_selection_follows_its_interaction),
        cmocka_unit_test (test_search_wraps_both_ways),
        cmocka_unit_test (test_search_counts_its_matches),
        cmocka_unit_test (test_status_history_keeps_the_latest),
        cmocka_unit_test (test_trace_summarises_and_saves),
        cmocka_unit_test (test_trace_view_filters_selects_and_searches),
        cmocka_unit_test (test_liveness_is_set_through_the_model),
        cmocka_unit_test (test_scroll_to_selection),
        cmocka_unit_test (test_selection_stays_in_view_after_removals_above),
        cmocka_unit_test (test_columns_and_unknown_names),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
