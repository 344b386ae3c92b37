/*  wb_trace_internal: what wb_trace.c shares with its exports
    (wb_trace_export.c): a bounded text that is appended to. */
#ifndef WB_TRACE_INTERNAL_H_INCLUDED
#define WB_TRACE_INTERNAL_H_INCLUDED

#include <stddef.h>
#include "wb_prelude.h"

/* Lifelines at most: past that many, the last one ("others") stands for
   the rest, so a peer naming a new actor in every change cannot grow a
   trace. */
#define WB_TRACE_PARTIES_LIMIT 32

/* Text appended into a fixed buffer, always NUL-terminated; what does not
   fit is left out. */
typedef struct {
    char *buffer;
    size_t size;
    size_t length;
} wb_trace_text_t;

void wb_trace_text_init (wb_trace_text_t *text, char *buffer, size_t size);
void wb_trace_text_add (wb_trace_text_t *text, const char *format, ...) WB_PRINTF (2, 3);
/* A peer's value: control characters become spaces, a cut falls between
   UTF-8 characters. NULL adds nothing. */
void wb_trace_text_add_clean (wb_trace_text_t *text, const char *value);

#endif
