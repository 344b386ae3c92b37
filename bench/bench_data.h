/*  bench_data: the data the benchmarks run on: a directory file with many
    agents, interactions shaped like the ones the server stores, a store
    filled through the store API (much faster than RequestSubmit), an
    in-process server, and the requests the cases send.
*/
#ifndef BENCH_DATA_H_INCLUDED
#define BENCH_DATA_H_INCLUDED

#include <czmq.h>
#include "wb_kvlist.h"
#include "wb_msg.h"
#include "wb_server.h"
#include "wb_client.h"
#include "wb_requests.h"

#define BENCH_TENANT 101

/* Write a directory file with agents a0001..aNNNN, each at its own place
   pNNNN and all in group "sales"; workbin types "draft" (owner agent) and
   "team" (owner agent group). 0 or -1. */
int bench_write_directory (const char *path, int agents);
/* The id of agent number (1-based): "a0001". */
const char *bench_agent_id (char *buffer, size_t size, int number);

/* The properties of an interaction as the server stores them after a
   RequestSubmit (about 500 bytes encoded). */
wb_kvlist_t *bench_interaction (int64_t number, const char *type_id,
                                const char *owner_attribute, const char *owner_id);
/* The id bench_interaction gives to a number. */
const char *bench_interaction_id (char *buffer, size_t size, int64_t number);

/* Put count interactions in the draft workbin of each agent from first_agent
   to last_agent, numbered from first_number on, committing every batch.
   0 or -1. */
int bench_fill_store (const char *database, int first_agent, int last_agent, int64_t count,
                      int64_t first_number);

/* A server's files: a folder with directory.cfg and store.db. */
typedef struct {
    char folder [128];
    char directory [192];
    char database [192];
    char store [224];                   /* the store's URI: sqlite:DATABASE[?...] */
    wb_server_options_t options;
    char endpoint [256];
} bench_site_t;

/* Make the folder and the directory file for this many agents; the
   options point at them, bound to tcp://127.0.0.1:* until a first start
   fixes the port. 0 or -1. */
int bench_site_new (bench_site_t *site, const char *name, int agents);
void bench_site_remove (bench_site_t *site);
/* Start wb_server_actor on the site; the endpoint it bound is kept (and
   reused by later starts, as a restarted server would). NULL on failure. */
zactor_t *bench_site_start (bench_site_t *site);

/* Requests: an agent's "draft" workbin, and a page of it from from on
   (0: From left out). */
wb_workbin_t bench_drafts (const char *agent_id);
wb_msg_t *bench_content_request (const char *agent_id, int64_t from);
/* A client with a session: an agent logged in, or a media server when
   agent_id is NULL. NULL (and a note) on failure. */
wb_client_t *bench_client (const char *endpoint, const char *agent_id);
/* Bytes of a message as sent: its three frames. */
size_t bench_msg_bytes (const wb_msg_t *msg);
/* The sizes of its three frames. */
void bench_msg_frame_sizes (const wb_msg_t *msg, size_t sizes [3]);

#endif
