/*  wb_json: protocol messages and key/value lists as JSON (jansson).

    wbctl --json prints every message it receives as one JSON object per
    line; this is the conversion, kept apart so that it is tested on its
    own (tests/unit/test_wb_json.c) and reusable by any other tool.

    Rules (doc/wbctl.1 repeats them, section "JSON OUTPUT"):
    - a message is {"message": NAME, "ReferenceId": N, ...its attributes},
      attributes in the order received;
    - string -> JSON string; int -> JSON integer; binary -> {"hex": "0a1b..."}
      (lowercase, two digits a byte); a string that is not valid UTF-8,
      which the codec never lets through, also becomes {"hex": ...};
    - a nested list is a JSON array of its values when all its entries share
      one key and either there are two or more of them, or the list is one
      of the protocol's collections (Interactions of Interaction, WorkbinTypes
      of WorkbinTypeInfo, Owners of Owner), which are arrays even with zero
      or one entry, so that `.Interactions[]` always works;
    - any other list is a JSON object; a key that repeats in it holds an
      array of its values, in order; keys that do not repeat hold the value
      itself. The message's own attributes follow the same rule; the names
      "message" and "ReferenceId" are reserved at its top level.
*/
#ifndef WB_JSON_H_INCLUDED
#define WB_JSON_H_INCLUDED

#include <stdio.h>
#include <jansson.h>
#include "wb_kvlist.h"
#include "wb_msg.h"

/* The JSON form of a list, as an object (a body, a property list), or of
   the list a message attribute named key holds (key may be NULL: then the
   list is not a collection). NULL on failure or if list is NULL. The caller
   owns the result (json_decref). */
json_t *wb_json_from_kvlist (const wb_kvlist_t *list);
json_t *wb_json_from_list (const char *key, const wb_kvlist_t *list);

/* The JSON form of a whole message; NULL on failure. */
json_t *wb_json_from_msg (const wb_msg_t *msg);

/* The message as one line of JSON without the newline; the caller frees
   it. NULL on failure. */
char *wb_json_line (const wb_msg_t *msg);

/* Write that line and a newline to stream. Return 0 or -1. */
int wb_json_print (const wb_msg_t *msg, FILE *stream);

#endif
