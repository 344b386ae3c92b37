/*  Runs the fuzz target over every file of its corpus without libFuzzer, so
    that a normal build, the sanitizer build and valgrind all replay it.
    The corpus folder comes from the first argument, else WB_FUZZ_CORPUS
    (or the variable FUZZ_CORPUS_ENV names, for another target).
    Reports in TAP: one line per file.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_wb_msg.h"

/* The variable naming the corpus; each target's replay program has its own. */
#ifndef FUZZ_CORPUS_ENV
#define FUZZ_CORPUS_ENV "WB_FUZZ_CORPUS"
#endif

//  Read a whole file; NULL if it cannot be read.
static uint8_t *
s_read_file (const char *path, size_t *size)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    uint8_t *data = NULL;
    if (fseek (file, 0, SEEK_END) == 0) {
        long length = ftell (file);
        rewind (file);
        data = length >= 0 ? malloc ((size_t) length + 1) : NULL;
        if (data && fread (data, 1, (size_t) length, file) != (size_t) length) {
            free (data);
            data = NULL;
        }
        *size = (size_t) (length > 0 ? length : 0);
    }
    fclose (file);
    return data;
}

static int
s_by_name (const struct dirent **a, const struct dirent **b)
{
    return strcmp ((*a)->d_name, (*b)->d_name);
}

static int
s_is_file (const struct dirent *entry)
{
    return entry->d_name [0] != '.';
}

int
main (int argc, char *argv [])
{
    const char *folder = argc > 1 ? argv [1] : getenv (FUZZ_CORPUS_ENV);
    struct dirent **entries = NULL;
    int count = folder ? scandir (folder, &entries, s_is_file, s_by_name) : -1;
    if (count <= 0) {
        printf ("1..0 # SKIP no corpus in %s\n", folder ? folder : "(unset)");
        return folder ? 1 : 0;
    }
    printf ("1..%d\n", count);
    int failed = 0;
    for (int index = 0; index < count; index++) {
        char path [4096];
        snprintf (path, sizeof (path), "%s/%s", folder, entries [index]->d_name);
        size_t size = 0;
        uint8_t *data = s_read_file (path, &size);
        //  the target aborts on a finding; reaching here means it held
        if (data)
            LLVMFuzzerTestOneInput (data, size);
        printf ("%s %d - replay %s\n", data ? "ok" : "not ok", index + 1,
                entries [index]->d_name);
        failed += data ? 0 : 1;
        free (data);
        free (entries [index]);
    }
    free (entries);
    return failed ? 1 : 0;
}
