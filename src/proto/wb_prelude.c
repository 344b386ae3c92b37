/*  wb_prelude: allocation that cannot fail, a growable array, monotonic
    time. See wb_prelude.h.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wb_prelude.h"

//  Out of memory: say so on stderr (the log may need memory) and abort,
//  which leaves a core for the post-mortem.
static void
s_out_of_memory (size_t size)
{
    fprintf (stderr, "out of memory (allocating %zu bytes)\n", size);
    abort ();
}

void *
wb_malloc (size_t size)
{
    void *memory = malloc (size ? size : 1);
    if (!memory)
        s_out_of_memory (size);
    return memory;
}

void *
wb_calloc (size_t count, size_t size)
{
    void *memory = calloc (count ? count : 1, size ? size : 1);
    if (!memory)
        s_out_of_memory (count * size);
    return memory;
}

void *
wb_realloc (void *memory, size_t size)
{
    void *grown = realloc (memory, size ? size : 1);
    if (!grown)
        s_out_of_memory (size);
    return grown;
}

char *
wb_strdup (const char *text)
{
    if (!text)
        return NULL;
    size_t size = strlen (text) + 1;
    return memcpy (wb_malloc (size), text, size);
}

int
wb_grow (void *items, size_t *capacity, size_t needed, size_t item_size, size_t limit)
{
    if (!items || !capacity || item_size == 0 || needed > limit || limit > SIZE_MAX / item_size)
        return -1;
    if (needed <= *capacity)
        return 0;
    size_t room = *capacity ? *capacity : limit < 8 ? limit : 8;
    while (room < needed)
        room = room > limit / 2 ? limit : room * 2;
    void **pointer = items;
    *pointer = wb_realloc (*pointer, room * item_size);
    *capacity = room;
    return 0;
}

int64_t
wb_mono_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
