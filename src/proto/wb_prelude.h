/*  wb_prelude: the small things every room would otherwise write again.

    Memory: one policy for the whole project. An allocation that fails
    means the machine is out of memory, which no caller can mend: the
    wb_ allocators print one line and abort, as CZMQ's zmalloc and tmux's
    xmalloc do, so callers never test for NULL. Functions return -1 only
    for what input or the environment can cause (a bad message, a missing
    file, a limit reached), never for an allocation.

    Also: the element count of an array, printf-format checking, a
    growable array, and the monotonic clock in milliseconds (the wall clock
    has its seam in wb_clock.h).
*/
#ifndef WB_PRELUDE_H_INCLUDED
#define WB_PRELUDE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

/* The number of elements of an array (not of a pointer). */
#define WB_COUNT_OF(array) (sizeof (array) / sizeof ((array) [0]))

/* Check a printf-like function's format (its index) against its
   arguments (the index of the first). */
#define WB_PRINTF(format_index, first_index) \
    __attribute__ ((format (printf, format_index, first_index)))

/* As malloc, calloc, realloc and strdup, but never NULL: out of memory
   aborts. wb_strdup (NULL) is NULL. A size of 0 allocates one byte. */
void *wb_malloc (size_t size);
void *wb_calloc (size_t count, size_t size);
void *wb_realloc (void *memory, size_t size);
char *wb_strdup (const char *text);

/* Make room for `needed` items of item_size bytes in *items, whose room
   is *capacity items: the room doubles (from 8) until it holds them.
   Returns 0; -1 if needed is over `limit` items (then nothing changes):
   a limit is what input may ask for, the only way this fails. */
int wb_grow (void *items, size_t *capacity, size_t needed, size_t item_size, size_t limit);

/* Milliseconds of the monotonic clock: for deadlines and intervals only. */
int64_t wb_mono_ms (void);

#endif
