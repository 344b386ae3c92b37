/*  wb_directory: who exists and who may see what. See wb_directory.h.

    Loading reads the file once into memory. A line scanner checks the ZPL
    syntax with zconfig's own rules, messages and order (CZMQ 4.2 reports
    zconfig syntax errors with zclock_log, straight to stdout, where no zsys
    log stream can catch them), and notes the line, depth and offset of
    every named line.

    zconfig then builds trees from the same bytes, one small tree per
    section header and one per entry (with its keys): zconfig appends a
    node by walking its siblings, so one tree with 40,000 agents in a
    section took quadratic time to build. Within each piece the n-th named
    line is the n-th node in document order: that pairing gives each node
    its line for the error messages.

    The trees stay alive with the directory: ids and names point into them.
    Each section becomes a table of entries in file order plus an index
    sorted by id; lookups use bsearch, so they neither allocate nor write,
    and a loaded directory can be read from several threads.
*/
#include <czmq.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "wb_directory.h"
#include "wb_kvlist.h"          /* wb_utf8_valid */
#include "wb_prelude.h"

#define S_TYPES 0               /* tables [0] holds the workbin types */
#define S_TABLES 5              /* then one table per owner type, 1 to 4 */
#define S_ID_MAX 64             /* ids appear in "TYPE@OWNER" names */
#define S_LINE_MAX 1024         /* zconfig cuts longer lines */
#define S_COLUMNS_MAX 16          /* names in a workbin type's columns */
#define S_COLUMN_NAME_MAX 32      /* bytes of one of those names */
#define S_COLUMNS_LENGTH_MAX 255  /* bytes of the whole list, "A,B,C" */

#if defined (__GNUC__)
#   define S_PRINTF(fmt, first) __attribute__ ((__format__ (__printf__, fmt, first)))
#else
#   define S_PRINTF(fmt, first)
#endif

typedef struct _s_entry_t s_entry_t;

/* References from one entry to entries of another table. */
typedef struct {
    const s_entry_t **items;
    size_t count;
} s_refs_t;

/* A place, agent group, place group, agent or workbin type. */
struct _s_entry_t {
    const char *id;
    const char *name;
    zconfig_t *node;            /* its block in the tree */
    const s_entry_t *place;     /* agent: its own place */
    s_refs_t groups;            /* agent: the groups it belongs to */
    s_refs_t supervises;        /* agent: the groups it supervises */
    s_refs_t places;            /* place group: its places */
    wb_workbin_type_t type;     /* workbin type: what callers see */
};

/* One section: entries in file order and an index sorted by id. */
typedef struct {
    s_entry_t *entries;
    const s_entry_t **sorted;
    size_t count;
} s_table_t;

/* A top-level section as read: its header and its children (entries, or
   the tenant's keys), each the node under its own small tree's root. */
typedef struct {
    zconfig_t *node;
    zconfig_t **children;
    size_t count;
    size_t capacity;
} s_block_t;

struct _wb_directory_t {
    zconfig_t **roots;          /* the trees; they own every id and name */
    size_t root_count;
    size_t root_capacity;
    s_block_t *sections;        /* in file order */
    size_t section_count;
    size_t section_capacity;
    int64_t tenant_id;
    const char *tenant_name;
    s_table_t tables [S_TABLES];
};

/* A named line of the file and, once its tree exists, its node. */
typedef struct {
    int line;
    int level;                  /* its depth: 0 for a section header */
    size_t offset;              /* where the line starts in the text */
    zconfig_t *node;
} s_mark_t;

/* What loading needs besides the directory: where to report, lines. */
typedef struct {
    const char *path;
    char *error;
    size_t error_size;
    s_mark_t *marks;
    size_t mark_count;
    size_t mark_capacity;
    char *piece;                /* the text of one tree, unindented */
    size_t piece_capacity;
    char subject [128];         /* "agent agent01", start of messages */
} s_loader_t;

typedef int (s_link_fn) (s_loader_t *loader, wb_directory_t *self, s_entry_t *entry);

/* A section of entries: its table, allowed keys, and how to link an entry. */
typedef struct {
    const char *name;
    size_t table;
    const char *keys [5];
    s_link_fn *link;
} s_section_t;

static s_link_fn s_link_placegroup, s_link_agent, s_link_type;

/* In dependency order: an entry only refers to sections loaded before. */
static const s_section_t s_sections [] = {
    { "place", WB_OWNER_PLACE, { "name" }, NULL },
    { "group", WB_OWNER_AGENT_GROUP, { "name" }, NULL },
    { "placegroup", WB_OWNER_PLACE_GROUP, { "name", "places" }, s_link_placegroup },
    { "agent", WB_OWNER_AGENT, { "name", "place", "groups", "supervises" }, s_link_agent },
    { "workbintype", S_TYPES, { "name", "owner", "columns" }, s_link_type },
};
#define S_SECTION_COUNT (WB_COUNT_OF (s_sections))

static const char *s_tenant_keys [] = { "id", "name", NULL };

static const struct {
    const char *name;
    wb_owner_type_t type;
} s_owner_names [] = {
    { "agent", WB_OWNER_AGENT }, { "place", WB_OWNER_PLACE },
    { "placegroup", WB_OWNER_PLACE_GROUP }, { "agentgroup", WB_OWNER_AGENT_GROUP },
};

static const char *s_relation_texts [] = {
    [WB_RELATION_NONE] = WB_RELATION_TEXT_NONE, [WB_RELATION_OWN] = WB_RELATION_TEXT_OWN,
    [WB_RELATION_PLACE] = WB_RELATION_TEXT_PLACE,
    [WB_RELATION_PLACE_GROUP] = WB_RELATION_TEXT_PLACE_GROUP,
    [WB_RELATION_GROUP] = WB_RELATION_TEXT_GROUP, [WB_RELATION_TEAM] = WB_RELATION_TEXT_TEAM,
};


/* ------------------------------------------------------------ errors */

/* Writes "PATH:LINE: message" into the caller's buffer; returns -1. */
static int S_PRINTF (3, 0)
s_vfail (s_loader_t *loader, int line, const char *format, va_list args)
{
    if (!loader->error || loader->error_size == 0)
        return -1;
    int length = snprintf (loader->error, loader->error_size, "%s:%d: ", loader->path, line);
    if (length >= 0 && (size_t) length < loader->error_size)
        vsnprintf (loader->error + length, loader->error_size - (size_t) length, format, args);
    return -1;
}

/* Reports a problem on a given line (0: not about one line); returns -1. */
static int S_PRINTF (3, 4)
s_fail_line (s_loader_t *loader, int line, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_vfail (loader, line, format, args);
    va_end (args);
    return -1;
}

/* The line a node starts on, 0 for none. */
static int
s_line_of (const s_loader_t *loader, const zconfig_t *node)
{
    for (size_t index = 0; node && index < loader->mark_count; index++)
        if (loader->marks [index].node == node)
            return loader->marks [index].line;
    return 0;
}

/* Reports a problem at a node's line; returns -1. */
static int S_PRINTF (3, 4)
s_fail (s_loader_t *loader, const zconfig_t *node, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    s_vfail (loader, s_line_of (loader, node), format, args);
    va_end (args);
    return -1;
}

/* calloc for the loader's tables (out of memory aborts: wb_prelude.h). */
static void *
s_calloc (s_loader_t *loader, size_t count, size_t size)
{
    (void) loader;
    return wb_calloc (count, size);
}


/* ------------------------------------------------------------ scanner */

/* zconfig's name characters. */
static bool
s_is_namechar (char thischar)
{
    return isalnum ((unsigned char) thischar) || (thischar && strchr ("$-_@.&+/", thischar));
}

/* Skips white space. */
static const char *
s_skip_space (const char *text)
{
    while (isspace ((unsigned char) *text))
        text++;
    return text;
}

/* Accepts the end of a line: nothing, or a comment. */
static int
s_scan_eoln (s_loader_t *loader, const char *rest, int lineno)
{
    rest = s_skip_space (rest);
    if (*rest && *rest != '#')
        return s_fail_line (loader, lineno, "invalid syntax '%s'", rest);
    return 0;
}

/* Accepts "= value", a quoted value needing its closing quote. */
static int
s_scan_value (s_loader_t *loader, const char *rest, int lineno)
{
    rest = s_skip_space (rest);
    if (*rest != '=')
        return s_scan_eoln (loader, rest, lineno);
    rest = s_skip_space (rest + 1);
    if (*rest != '"' && *rest != '\'')
        return 0;
    const char *closing = strchr (rest + 1, *rest);
    if (!closing)
        return s_fail_line (loader, lineno, "missing %c", *rest);
    return s_scan_eoln (loader, closing + 1, lineno);
}

/* Checks one line as zconfig does, in its order; sets level to the line's
   depth, or -1 when the line holds no name (blank line or comment). */
static int
s_scan_line (s_loader_t *loader, char *line, int lineno, int *level)
{
    size_t length = strlen (line);
    while (length && isspace ((unsigned char) line [length - 1]))
        line [--length] = 0;
    size_t indent = strspn (line, " ");
    if (indent % 4)
        return s_fail_line (loader, lineno, "indent 4 spaces at once");
    const char *name = line + indent;
    size_t name_length = 0;
    while (s_is_namechar (name [name_length]))
        name_length++;
    *level = name_length ? (int) (indent / 4) : -1;
    if (name_length == 0)
        return s_scan_eoln (loader, name, lineno);
    if (name [0] == '/' || name [name_length - 1] == '/')
        return s_fail_line (loader, lineno, "'/' not valid at name start or end");
    return s_scan_value (loader, name + name_length, lineno);
}

/* Records the line, depth and offset of the next node. */
static int
s_mark (s_loader_t *loader, int lineno, int level, size_t offset)
{
    if (wb_grow (&loader->marks, &loader->mark_capacity, loader->mark_count + 1,
                 sizeof (s_mark_t), SIZE_MAX / sizeof (s_mark_t)))
        return s_fail_line (loader, 0, "too many lines");
    loader->marks [loader->mark_count++] = (s_mark_t) { lineno, level, offset, NULL };
    return 0;
}

/* Checks every line of the text and marks the named ones. */
static int
s_scan (s_loader_t *loader, const char *data, size_t size)
{
    const char *cursor = data, *end = data + size;
    int lineno = 0, previous = -1;
    while (cursor < end) {
        const char *eoln = memchr (cursor, '\n', (size_t) (end - cursor));
        size_t length = (size_t) ((eoln ? eoln : end) - cursor);
        lineno++;
        if (length > S_LINE_MAX)
            return s_fail_line (loader, lineno, "line longer than %d bytes", S_LINE_MAX);
        if (memchr (cursor, 0, length))
            return s_fail_line (loader, lineno, "NUL byte in line");
        //  names go on the wire, where every string is UTF-8
        if (!wb_utf8_valid (cursor, length))
            return s_fail_line (loader, lineno, "not valid UTF-8");
        char line [S_LINE_MAX + 1];
        memcpy (line, cursor, length);
        line [length] = 0;
        int level = -1;
        if (s_scan_line (loader, line, lineno, &level))
            return -1;
        if (level > previous + 1)
            return s_fail_line (loader, lineno, "indentation error");
        if (level >= 0 && s_mark (loader, lineno, level, (size_t) (cursor - data)))
            return -1;
        previous = level >= 0 ? level : previous;
        cursor = eoln ? eoln + 1 : end;
    }
    return 0;
}

/* Pairs the nodes, in document order, with the marked lines up to last. */
static void
s_mark_nodes (s_loader_t *loader, zconfig_t *parent, size_t *cursor, size_t last)
{
    for (zconfig_t *node = zconfig_child (parent); node; node = zconfig_next (node)) {
        if (*cursor < last)
            loader->marks [(*cursor)++].node = node;
        s_mark_nodes (loader, node, cursor, last);
    }
}

/* Copies the lines from start to end without indent leading spaces, as
   one small ZPL text (in the loader's buffer). */
static const char *
s_piece (s_loader_t *loader, const char *start, const char *end, size_t indent)
{
    size_t size = (size_t) (end - start);
    if (wb_grow (&loader->piece, &loader->piece_capacity, size + 1, 1, SIZE_MAX))
        return NULL;
    char *out = loader->piece;
    while (start < end) {
        const char *eoln = memchr (start, '\n', (size_t) (end - start));
        const char *stop = eoln ? eoln + 1 : end;
        size_t skip = 0;
        while (skip < indent && start + skip < stop && start [skip] == ' ')
            skip++;
        memcpy (out, start + skip, (size_t) (stop - start) - skip);
        out += (size_t) (stop - start) - skip;
        start = stop;
    }
    *out = 0;
    return loader->piece;
}

/* Builds the tree of the marks first to last (a section header alone, or
   an entry and its keys), which end at end_offset in the text; keeps it
   and returns the node of the first mark, or NULL. */
static zconfig_t *
s_plant (s_loader_t *loader, wb_directory_t *self, const char *text, size_t first,
         size_t last, size_t end_offset)
{
    const s_mark_t *mark = &loader->marks [first];
    const char *piece = s_piece (loader, text + mark->offset, text + end_offset,
                                 (size_t) mark->level * 4);
    zconfig_t *root = piece ? zconfig_str_load (piece) : NULL;
    if (!root || !zconfig_child (root)) {
        zconfig_destroy (&root);
        s_fail_line (loader, mark->line, "cannot parse");
        return NULL;
    }
    wb_grow (&self->roots, &self->root_capacity, self->root_count + 1,
             sizeof (self->roots [0]), SIZE_MAX / sizeof (self->roots [0]));
    self->roots [self->root_count++] = root;
    size_t cursor = first;
    s_mark_nodes (loader, root, &cursor, last);
    return zconfig_child (root);
}

/* Adds a node to a block's children. */
static void
s_block_add (s_block_t *block, zconfig_t *node)
{
    wb_grow (&block->children, &block->capacity, block->count + 1,
             sizeof (block->children [0]), SIZE_MAX / sizeof (block->children [0]));
    block->children [block->count++] = node;
}

/* Builds the sections from the checked text: a tree per section header,
   and one per entry (a depth-1 line and the deeper lines under it). */
static int
s_build (s_loader_t *loader, wb_directory_t *self, const char *text, size_t size)
{
    size_t index = 0;
    while (index < loader->mark_count) {
        size_t next = index + 1;
        while (next < loader->mark_count && loader->marks [next].level > 1)
            next++;
        size_t end = next < loader->mark_count ? loader->marks [next].offset : size;
        zconfig_t *node = s_plant (loader, self, text, index, next, end);
        if (!node)
            return -1;
        if (loader->marks [index].level == 0) {
            wb_grow (&self->sections, &self->section_capacity, self->section_count + 1,
                     sizeof (s_block_t), SIZE_MAX / sizeof (s_block_t));
            self->sections [self->section_count++] = (s_block_t) { node, NULL, 0, 0 };
        }
        else    //  the scanner saw a section header first
            s_block_add (&self->sections [self->section_count - 1], node);
        index = next;
    }
    return 0;
}

/* Refuses what is not a regular file of at most WB_DIRECTORY_FILE_MAX
   bytes (a device such as /dev/zero would be read without end). */
static int
s_check_file (s_loader_t *loader, FILE *file)
{
    struct stat status;
    if (fstat (fileno (file), &status))
        return s_fail_line (loader, 0, "cannot read: %s", strerror (errno));
    if (!S_ISREG (status.st_mode))
        return s_fail_line (loader, 0, "not a regular file");
    if (status.st_size > WB_DIRECTORY_FILE_MAX)
        return s_fail_line (loader, 0, "larger than %d bytes", WB_DIRECTORY_FILE_MAX);
    return 0;
}

/* Reads the whole file into a NUL-terminated buffer; NULL on error. The
   read stops past WB_DIRECTORY_FILE_MAX, should the file grow meanwhile. */
static char *
s_read_file (s_loader_t *loader, size_t *size)
{
    FILE *file = fopen (loader->path, "rb");
    if (!file) {
        s_fail_line (loader, 0, "cannot read: %s", strerror (errno));
        return NULL;
    }
    if (s_check_file (loader, file)) {
        fclose (file);
        return NULL;
    }
    char *data = NULL;
    size_t capacity = 0, bytes = 1;
    int failure = 0;
    *size = 0;
    while (bytes && *size <= WB_DIRECTORY_FILE_MAX) {
        if (capacity - *size < 2) {
            data = wb_realloc (data, capacity + 65536);
            capacity += 65536;
            continue;
        }
        bytes = fread (data + *size, 1, capacity - *size - 1, file);
        *size += bytes;
    }
    if (ferror (file))
        failure = errno ? errno : EIO;
    fclose (file);
    if (failure || *size > WB_DIRECTORY_FILE_MAX) {
        if (failure)
            s_fail_line (loader, 0, "cannot read: %s", strerror (failure));
        else
            s_fail_line (loader, 0, "larger than %d bytes", WB_DIRECTORY_FILE_MAX);
        free (data);
        return NULL;
    }
    data [*size] = 0;
    return data;
}


/* ------------------------------------------------------------ tables */

/* Orders entries by id, then in file order (their place in the table). */
static int
s_compare_entries (const void *first, const void *second)
{
    const s_entry_t *one = *(const s_entry_t *const *) first;
    const s_entry_t *other = *(const s_entry_t *const *) second;
    int order = strcmp (one->id, other->id);
    return order ? order : (one > other) - (one < other);
}

/* Compares an id with an entry, for bsearch. */
static int
s_compare_id (const void *id, const void *entry)
{
    return strcmp ((const char *) id, (*(const s_entry_t *const *) entry)->id);
}

/* The entry with this id, or NULL. */
static const s_entry_t *
s_find (const s_table_t *table, const char *id)
{
    if (!id || table->count == 0)
        return NULL;
    const s_entry_t *const *found = bsearch (id, table->sorted, table->count,
                                             sizeof (table->sorted [0]), s_compare_id);
    return found ? *found : NULL;
}

/* The entry whose id is this slice of text, or NULL. */
static const s_entry_t *
s_find_slice (const s_table_t *table, const char *text, size_t length)
{
    char id [S_ID_MAX + 1];
    if (length > S_ID_MAX)
        return NULL;
    memcpy (id, text, length);
    id [length] = 0;
    return s_find (table, id);
}

/* The table of an owner type, or NULL. */
static const s_table_t *
s_owner_table (const wb_directory_t *self, wb_owner_type_t type)
{
    if (!self || type < WB_OWNER_AGENT || type > WB_OWNER_AGENT_GROUP)
        return NULL;
    return &self->tables [type];
}

/* An owner by type and id, or NULL. */
static const s_entry_t *
s_owner (const wb_directory_t *self, wb_owner_type_t type, const char *id)
{
    const s_table_t *table = s_owner_table (self, type);
    return table ? s_find (table, id) : NULL;
}

/* True if the references hold this entry. */
static bool
s_refs_has (const s_refs_t *refs, const s_entry_t *entry)
{
    for (size_t index = 0; index < refs->count; index++)
        if (refs->items [index] == entry)
            return true;
    return false;
}


/* ------------------------------------------------------------ checks */

/* True for 1-64 printable ASCII characters without space, '@' or '/'. */
static bool
s_id_is_valid (const char *id)
{
    size_t length = strlen (id);
    for (size_t index = 0; index < length; index++)
        if (id [index] <= ' ' || id [index] > '~' || id [index] == '@' || id [index] == '/')
            return false;
    return length >= 1 && length <= S_ID_MAX;
}

/* An earlier sibling with the same name, or NULL. */
static zconfig_t *
s_earlier_twin (zconfig_t *parent, zconfig_t *node)
{
    for (zconfig_t *other = zconfig_child (parent); other != node; other = zconfig_next (other))
        if (streq (zconfig_name (other), zconfig_name (node)))
            return other;
    return NULL;
}

/* True if the name is in the NULL-terminated list. */
static bool
s_is_listed (const char *const *names, const char *name)
{
    for (; *names; names++)
        if (streq (*names, name))
            return true;
    return false;
}

/* A key is allowed, single (twin: an earlier key of that name, or NULL)
   and holds no block itself. */
static int
s_check_key (s_loader_t *loader, zconfig_t *key, const char *const *keys, zconfig_t *twin)
{
    const char *name = zconfig_name (key);
    if (!s_is_listed (keys, name))
        return s_fail (loader, key, "%s: unknown key '%s'", loader->subject, name);
    if (twin)
        return s_fail (loader, key, "%s: duplicate key '%s'", loader->subject, name);
    if (zconfig_child (key))
        return s_fail (loader, zconfig_child (key), "%s: unexpected '%s' under '%s'",
                       loader->subject, zconfig_name (zconfig_child (key)), name);
    return 0;
}

/* Every key of an entry's block passes s_check_key. */
static int
s_check_keys (s_loader_t *loader, zconfig_t *block, const char *const *keys)
{
    for (zconfig_t *key = zconfig_child (block); key; key = zconfig_next (key))
        if (s_check_key (loader, key, keys, s_earlier_twin (block, key)))
            return -1;
    return 0;
}

/* The first child of a section with this name, before index count; NULL. */
static zconfig_t *
s_block_child (const s_block_t *block, const char *name, size_t count)
{
    for (size_t index = 0; index < count && index < block->count; index++)
        if (streq (zconfig_name (block->children [index]), name))
            return block->children [index];
    return NULL;
}

/* The first section with this name, or NULL. */
static const s_block_t *
s_section (const wb_directory_t *self, const char *name)
{
    for (size_t index = 0; index < self->section_count; index++)
        if (streq (zconfig_name (self->sections [index].node), name))
            return &self->sections [index];
    return NULL;
}

/* A known section name: the tenant or one in s_sections. */
static bool
s_is_section (const char *name)
{
    for (size_t index = 0; index < S_SECTION_COUNT; index++)
        if (streq (s_sections [index].name, name))
            return true;
    return streq (name, "tenant");
}

/* Top-level sections are known, single and hold no value (the known
   ones are few: the search for an earlier twin stays short). */
static int
s_check_sections (s_loader_t *loader, const wb_directory_t *self)
{
    for (size_t index = 0; index < self->section_count; index++) {
        zconfig_t *node = self->sections [index].node;
        const char *name = zconfig_name (node);
        if (!s_is_section (name))
            return s_fail (loader, node, "unknown section '%s'", name);
        zconfig_t *first = s_section (self, name)->node;
        if (first != node)
            return s_fail (loader, node, "duplicate section '%s' (first on line %d)",
                           name, s_line_of (loader, first));
        if (*zconfig_value (node))
            return s_fail (loader, node, "section '%s' takes no value", name);
    }
    return 0;
}

/* A key's value when present and not empty, else the fallback. */
static const char *
s_value_or (zconfig_t *block, const char *key, const char *fallback)
{
    const char *value = zconfig_get (block, key, NULL);
    return value && *value ? value : fallback;
}

/* Parses a positive decimal integer; 0 on success. */
static int
s_parse_positive (const char *text, int64_t *number)
{
    if (*text == 0 || strspn (text, "0123456789") != strlen (text))
        return -1;
    errno = 0;
    long long value = strtoll (text, NULL, 10);
    if (errno || value <= 0)
        return -1;
    *number = value;
    return 0;
}

/* The tenant: its id, a positive integer, and its name. */
static int
s_load_tenant (s_loader_t *loader, wb_directory_t *self)
{
    const s_block_t *tenant = s_section (self, "tenant");
    if (!tenant)
        return s_fail_line (loader, 0, "missing section 'tenant'");
    snprintf (loader->subject, sizeof (loader->subject), "tenant");
    for (size_t index = 0; index < tenant->count; index++) {
        zconfig_t *key = tenant->children [index];
        if (s_check_key (loader, key, s_tenant_keys,
                         s_block_child (tenant, zconfig_name (key), index)))
            return -1;
    }
    zconfig_t *id = s_block_child (tenant, "id", tenant->count);
    if (!id)
        return s_fail (loader, tenant->node, "tenant: missing id");
    if (s_parse_positive (zconfig_value (id), &self->tenant_id))
        return s_fail (loader, id, "tenant: id '%s' is not a positive integer",
                       zconfig_value (id));
    zconfig_t *name = s_block_child (tenant, "name", tenant->count);
    self->tenant_name = name && *zconfig_value (name) ? zconfig_value (name)
                                                       : zconfig_value (id);
    return 0;
}


/* ------------------------------------------------------------ linking */

/* Splits off the next item of a comma-separated list, trimmed; false at
   the end. Start with *cursor at the list. */
static bool
s_list_next (const char **cursor, const char **item, size_t *length)
{
    const char *start = *cursor;
    if (!start)
        return false;
    const char *comma = strchr (start, ',');
    const char *end = comma ? comma : start + strlen (start);
    *cursor = comma ? comma + 1 : NULL;
    start = s_skip_space (start);
    while (end > start && isspace ((unsigned char) end [-1]))
        end--;
    *item = start;
    *length = (size_t) (end - start);
    return true;
}

/* Resolves a list of ids (key of the entry's block) into references. */
static int
s_link_list (s_loader_t *loader, zconfig_t *block, const char *key,
             const s_table_t *table, const char *what, s_refs_t *refs)
{
    zconfig_t *node = zconfig_locate (block, key);
    const char *cursor = node ? zconfig_value (node) : "";
    if (*s_skip_space (cursor) == 0)
        return 0;
    size_t count = 1;
    for (const char *comma = strchr (cursor, ','); comma; comma = strchr (comma + 1, ','))
        count++;
    refs->items = s_calloc (loader, count, sizeof (refs->items [0]));
    if (!refs->items)
        return -1;
    const char *item;
    size_t length;
    while (s_list_next (&cursor, &item, &length)) {
        if (length == 0)
            return s_fail (loader, node, "%s: empty item in %s", loader->subject, key);
        const s_entry_t *entry = s_find_slice (table, item, length);
        if (!entry)
            return s_fail (loader, node, "%s: unknown %s '%.*s'",
                           loader->subject, what, (int) length, item);
        if (s_refs_has (refs, entry))
            return s_fail (loader, node, "%s: %s '%s' listed twice",
                           loader->subject, what, entry->id);
        refs->items [refs->count++] = entry;
    }
    return 0;
}

/* A place group: its places. */
static int
s_link_placegroup (s_loader_t *loader, wb_directory_t *self, s_entry_t *entry)
{
    return s_link_list (loader, entry->node, "places", &self->tables [WB_OWNER_PLACE],
                        "place", &entry->places);
}

/* An agent: its place (required), its groups, the groups it supervises. */
static int
s_link_agent (s_loader_t *loader, wb_directory_t *self, s_entry_t *entry)
{
    zconfig_t *place = zconfig_locate (entry->node, "place");
    if (!place)
        return s_fail (loader, entry->node, "%s: missing place", loader->subject);
    entry->place = s_find (&self->tables [WB_OWNER_PLACE], zconfig_value (place));
    if (!entry->place)
        return s_fail (loader, place, "%s: unknown place '%s'",
                       loader->subject, zconfig_value (place));
    const s_table_t *groups = &self->tables [WB_OWNER_AGENT_GROUP];
    if (s_link_list (loader, entry->node, "groups", groups, "group", &entry->groups))
        return -1;
    return s_link_list (loader, entry->node, "supervises", groups, "supervised group",
                        &entry->supervises);
}

/* True if a column name has the shape the directory allows: 1 to
   S_COLUMN_NAME_MAX printable ASCII characters, no space. What the names
   mean is the clients' business: the server passes them on unread. */
static bool
s_column_name_is_valid (const char *name, size_t length)
{
    for (size_t index = 0; index < length; index++)
        if (name [index] <= ' ' || name [index] > '~')
            return false;
    return length >= 1 && length <= S_COLUMN_NAME_MAX;
}

/* Checks the shape of a workbin type's columns and stores them as
   "A,B,C" ("" when the file gives none). */
static int
s_link_columns (s_loader_t *loader, s_entry_t *entry)
{
    zconfig_t *node = zconfig_locate (entry->node, "columns");
    const char *cursor = node ? zconfig_value (node) : "";
    entry->type.columns = "";
    if (*s_skip_space (cursor) == 0)
        return 0;
    char columns [S_LINE_MAX + 1] = "";
    size_t count = 0;
    const char *item;
    size_t length;
    while (s_list_next (&cursor, &item, &length)) {
        if (length == 0)
            return s_fail (loader, node, "%s: empty item in columns", loader->subject);
        if (!s_column_name_is_valid (item, length))
            return s_fail (loader, node, "%s: column '%.*s': a column name is 1-%d printable"
                           " ASCII characters without space", loader->subject, (int) length, item,
                           S_COLUMN_NAME_MAX);
        if (++count > S_COLUMNS_MAX)
            return s_fail (loader, node, "%s: more than %d columns", loader->subject, S_COLUMNS_MAX);
        size_t used = strlen (columns);
        snprintf (columns + used, sizeof (columns) - used, "%s%.*s", used ? "," : "", (int) length, item);
    }
    if (strlen (columns) > S_COLUMNS_LENGTH_MAX)
        return s_fail (loader, node, "%s: columns longer than %d characters", loader->subject,
                       S_COLUMNS_LENGTH_MAX);
    zconfig_set_value (node, "%s", columns);
    entry->type.columns = zconfig_value (node);
    return 0;
}

/* A workbin type: its owner type (required) and its columns. */
static int
s_link_type (s_loader_t *loader, wb_directory_t *self, s_entry_t *entry)
{
    (void) self;
    zconfig_t *owner = zconfig_locate (entry->node, "owner");
    if (!owner)
        return s_fail (loader, entry->node, "%s: missing owner", loader->subject);
    size_t index = 0;
    size_t count = WB_COUNT_OF (s_owner_names);
    while (index < count && !streq (s_owner_names [index].name, zconfig_value (owner)))
        index++;
    if (index == count)
        return s_fail (loader, owner, "%s: unknown owner '%s' (agent, place, placegroup"
                       " or agentgroup)", loader->subject, zconfig_value (owner));
    entry->type = (wb_workbin_type_t) { entry->id, entry->name, s_owner_names [index].type, NULL };
    return s_link_columns (loader, entry);
}

/* Checks one entry of a section and fills it in. */
static int
s_load_entry (s_loader_t *loader, wb_directory_t *self, const s_section_t *section,
              zconfig_t *block, s_entry_t *entry)
{
    const char *id = zconfig_name (block);
    if (!s_id_is_valid (id))
        return s_fail (loader, block, "%s '%s': an id is 1-%d printable ASCII characters"
                       " without space, '@' or '/'", section->name, id, S_ID_MAX);
    snprintf (loader->subject, sizeof (loader->subject), "%s %s", section->name, id);
    if (*zconfig_value (block))
        return s_fail (loader, block, "%s: unexpected value '%s'",
                       loader->subject, zconfig_value (block));
    if (s_check_keys (loader, block, section->keys))
        return -1;
    entry->id = id;
    entry->name = s_value_or (block, "name", id);
    entry->node = block;
    return section->link ? section->link (loader, self, entry) : 0;
}

/* Ids are unique in a section: with the index sorted (ties in file order),
   twins are neighbours. */
static int
s_check_unique (s_loader_t *loader, const s_section_t *section, const s_table_t *table)
{
    for (size_t index = 1; index < table->count; index++) {
        const s_entry_t *first = table->sorted [index - 1], *entry = table->sorted [index];
        if (streq (first->id, entry->id))
            return s_fail (loader, entry->node, "%s %s: duplicate id (first on line %d)",
                           section->name, entry->id, s_line_of (loader, first->node));
    }
    return 0;
}

/* Loads the entries of a section into its table, then sorts the index. */
static int
s_load_section (s_loader_t *loader, wb_directory_t *self, const s_section_t *section)
{
    s_table_t *table = &self->tables [section->table];
    const s_block_t *parent = s_section (self, section->name);
    size_t count = parent ? parent->count : 0;
    table->entries = s_calloc (loader, count, sizeof (s_entry_t));
    table->sorted = s_calloc (loader, count, sizeof (s_entry_t *));
    if (!table->entries || !table->sorted)
        return -1;
    for (size_t index = 0; index < count; index++) {
        s_entry_t *entry = &table->entries [table->count++];
        if (s_load_entry (loader, self, section, parent->children [index], entry))
            return -1;
    }
    for (size_t index = 0; index < table->count; index++)
        table->sorted [index] = &table->entries [index];
    qsort (table->sorted, table->count, sizeof (table->sorted [0]), s_compare_entries);
    return s_check_unique (loader, section, table);
}

/* Builds the trees from checked text and loads every section. */
static int
s_load_tree (s_loader_t *loader, wb_directory_t *self, const char *text, size_t size)
{
    if (s_build (loader, self, text, size)
    ||  s_check_sections (loader, self) || s_load_tenant (loader, self))
        return -1;
    for (size_t index = 0; index < S_SECTION_COUNT; index++)
        if (s_load_section (loader, self, &s_sections [index]))
            return -1;
    if (self->tables [S_TYPES].count == 0) {
        const s_block_t *types = s_section (self, "workbintype");
        return s_fail (loader, types ? types->node : NULL, "no workbin types");
    }
    return 0;
}


/* ------------------------------------------------------------ public */

/* Loads and checks a directory file; NULL and "FILE:LINE: what" on error. */
wb_directory_t *
wb_directory_load (const char *path, char *error, size_t error_size)
{
    s_loader_t loader = { .path = path ? path : "(null)", .error = error,
                          .error_size = error_size };
    if (error && error_size)
        *error = 0;
    if (!path) {
        s_fail_line (&loader, 0, "no file name given");
        return NULL;
    }
    size_t size;
    char *text = s_read_file (&loader, &size);
    wb_directory_t *self = NULL;
    if (text && s_scan (&loader, text, size) == 0) {
        self = s_calloc (&loader, 1, sizeof (wb_directory_t));
        if (self && s_load_tree (&loader, self, text, size))
            wb_directory_destroy (&self);
    }
    free (text);
    free (loader.marks);
    free (loader.piece);
    return self;
}

/* Destroys a directory; safe on NULL, sets the pointer to NULL. */
void
wb_directory_destroy (wb_directory_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    wb_directory_t *self = *self_p;
    for (size_t table = 0; table < S_TABLES; table++) {
        for (size_t index = 0; index < self->tables [table].count; index++) {
            s_entry_t *entry = &self->tables [table].entries [index];
            free (entry->groups.items);
            free (entry->supervises.items);
            free (entry->places.items);
        }
        free (self->tables [table].entries);
        free (self->tables [table].sorted);
    }
    for (size_t index = 0; index < self->root_count; index++)
        zconfig_destroy (&self->roots [index]);
    for (size_t index = 0; index < self->section_count; index++)
        free (self->sections [index].children);
    free (self->roots);
    free (self->sections);
    free (self);
    *self_p = NULL;
}

/* The tenant's id; 0 for no directory. */
int64_t
wb_directory_tenant_id (const wb_directory_t *self)
{
    return self ? self->tenant_id : 0;
}

/* The tenant's display name. */
const char *
wb_directory_tenant_name (const wb_directory_t *self)
{
    return self ? self->tenant_name : NULL;
}

/* True if the agent exists. */
bool
wb_directory_has_agent (const wb_directory_t *self, const char *agent_id)
{
    return s_owner (self, WB_OWNER_AGENT, agent_id) != NULL;
}

/* True if the place exists. */
bool
wb_directory_has_place (const wb_directory_t *self, const char *place_id)
{
    return s_owner (self, WB_OWNER_PLACE, place_id) != NULL;
}

/* The agent's display name. */
const char *
wb_directory_agent_name (const wb_directory_t *self, const char *agent_id)
{
    return wb_directory_owner_name (self, WB_OWNER_AGENT, agent_id);
}

/* The id of the agent's own place. */
const char *
wb_directory_agent_place (const wb_directory_t *self, const char *agent_id)
{
    const s_entry_t *agent = s_owner (self, WB_OWNER_AGENT, agent_id);
    return agent ? agent->place->id : NULL;
}

/* True if an owner of this type exists. */
bool
wb_directory_has_owner (const wb_directory_t *self, wb_owner_type_t type, const char *owner_id)
{
    return s_owner (self, type, owner_id) != NULL;
}

/* The display name of any owner. */
const char *
wb_directory_owner_name (const wb_directory_t *self, wb_owner_type_t type, const char *owner_id)
{
    const s_entry_t *owner = s_owner (self, type, owner_id);
    return owner ? owner->name : NULL;
}

/* How many workbin types there are. */
size_t
wb_directory_workbin_type_count (const wb_directory_t *self)
{
    return self ? self->tables [S_TYPES].count : 0;
}

/* The workbin type at this index, in file order. */
const wb_workbin_type_t *
wb_directory_workbin_type_at (const wb_directory_t *self, size_t index)
{
    if (index >= wb_directory_workbin_type_count (self))
        return NULL;
    return &self->tables [S_TYPES].entries [index].type;
}

/* The workbin type with this id. */
const wb_workbin_type_t *
wb_directory_workbin_type (const wb_directory_t *self, const char *type_id)
{
    const s_entry_t *entry = self ? s_find (&self->tables [S_TYPES], type_id) : NULL;
    return entry ? &entry->type : NULL;
}


/* ------------------------------------------------------------ access */

typedef wb_relation_t (s_relation_fn) (const s_entry_t *agent, const s_entry_t *place,
                                       const s_entry_t *owner);

/* An agent-owned workbin: the agent's own, or a supervised team member's. */
static wb_relation_t
s_agent_relation (const s_entry_t *agent, const s_entry_t *place, const s_entry_t *owner)
{
    (void) place;
    if (owner == agent)
        return WB_RELATION_OWN;
    for (size_t index = 0; index < agent->supervises.count; index++)
        if (s_refs_has (&owner->groups, agent->supervises.items [index]))
            return WB_RELATION_TEAM;
    return WB_RELATION_NONE;
}

/* A place-owned workbin: the login place's. */
static wb_relation_t
s_place_relation (const s_entry_t *agent, const s_entry_t *place, const s_entry_t *owner)
{
    (void) agent;
    return owner == place ? WB_RELATION_PLACE : WB_RELATION_NONE;
}

/* A place-group-owned workbin: a group holding the login place. */
static wb_relation_t
s_place_group_relation (const s_entry_t *agent, const s_entry_t *place, const s_entry_t *owner)
{
    (void) agent;
    return place && s_refs_has (&owner->places, place) ? WB_RELATION_PLACE_GROUP
                                                        : WB_RELATION_NONE;
}

/* An agent-group-owned workbin: the agent's group, or a supervised one. */
static wb_relation_t
s_group_relation (const s_entry_t *agent, const s_entry_t *place, const s_entry_t *owner)
{
    (void) place;
    if (s_refs_has (&agent->groups, owner))
        return WB_RELATION_GROUP;
    return s_refs_has (&agent->supervises, owner) ? WB_RELATION_TEAM : WB_RELATION_NONE;
}

static s_relation_fn *const s_relation_of [] = {
    [WB_OWNER_AGENT] = s_agent_relation,
    [WB_OWNER_PLACE] = s_place_relation,
    [WB_OWNER_PLACE_GROUP] = s_place_group_relation,
    [WB_OWNER_AGENT_GROUP] = s_group_relation,
};

/* The agent and its login place (its own place when place_id is NULL;
   NULL when place_id is unknown). */
static const s_entry_t *
s_viewer (const wb_directory_t *self, const char *agent_id, const char *place_id,
          const s_entry_t **place)
{
    const s_entry_t *agent = s_owner (self, WB_OWNER_AGENT, agent_id);
    *place = NULL;
    if (agent)
        *place = place_id ? s_owner (self, WB_OWNER_PLACE, place_id) : agent->place;
    return agent;
}

/* How the agent, at place_id, relates to an owner; NONE for no access. */
wb_relation_t
wb_directory_relation (const wb_directory_t *self, const char *agent_id,
                       const char *place_id, wb_owner_type_t type, const char *owner_id)
{
    const s_entry_t *place;
    const s_entry_t *agent = s_viewer (self, agent_id, place_id, &place);
    const s_entry_t *owner = s_owner (self, type, owner_id);
    if (!agent || !owner)
        return WB_RELATION_NONE;
    return s_relation_of [type] (agent, place, owner);
}

/* Visits each owner of the type the agent may see, by relation (own,
   place, place groups, groups, team), then in file order. */
void
wb_directory_visible_owners (const wb_directory_t *self, const char *agent_id,
                             const char *place_id, wb_owner_type_t type,
                             wb_owner_visit_fn *visit, void *context)
{
    const s_entry_t *place;
    const s_entry_t *agent = s_viewer (self, agent_id, place_id, &place);
    const s_table_t *table = s_owner_table (self, type);
    if (!agent || !table || !visit)
        return;
    for (wb_relation_t relation = WB_RELATION_OWN; relation <= WB_RELATION_TEAM; relation++)
        for (size_t index = 0; index < table->count; index++) {
            const s_entry_t *owner = &table->entries [index];
            if (s_relation_of [type] (agent, place, owner) == relation)
                visit (context, owner->id, relation);
        }
}

/* Visits every owner of the type in file order, with relation NONE. */
void
wb_directory_all_owners (const wb_directory_t *self, wb_owner_type_t type,
                         wb_owner_visit_fn *visit, void *context)
{
    const s_table_t *table = s_owner_table (self, type);
    for (size_t index = 0; table && visit && index < table->count; index++)
        visit (context, table->entries [index].id, WB_RELATION_NONE);
}

/* The short text of a relation; "none" for none or out of range. */
const char *
wb_relation_text (wb_relation_t relation)
{
    size_t count = WB_COUNT_OF (s_relation_texts);
    return (size_t) relation < count ? s_relation_texts [relation] : WB_RELATION_TEXT_NONE;
}
