/*  wb_trace_export: a trace written as text, a Mermaid sequenceDiagram,
    PlantUML or SVG. See wb_trace.h.

    Every format draws the lifelines a filter leaves (wb_trace_parties_shown)
    and one arrow per entry it keeps, labelled with the message's name and
    headline; a mark is a divider across them. Only the text names the
    time (UTC, so that a pinned clock gives the same file anywhere): the
    drawings depend on the messages alone.

    Each format escapes what its syntax would read: Mermaid's statement
    and entity characters as entity codes, PlantUML's creole markup as
    <U+XXXX> characters, XML's as references.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "wb_trace.h"
#include "wb_trace_internal.h"

/* What every writer needs: the entries kept and the lifelines drawn. */
typedef struct {
    const wb_trace_t *trace;
    const wb_trace_filter_t *filter;
    const char *title;
    size_t parties [WB_TRACE_PARTIES_LIMIT];     /* party indexes, in lifeline order */
    size_t count;
    size_t column [WB_TRACE_PARTIES_LIMIT];      /* a party's place among them */
} s_export_t;

typedef void (s_writer_fn) (FILE *file, const s_export_t *export);

//  The next entry the filter keeps, from *index on; NULL at the end.
static const wb_trace_entry_t *
s_next (const s_export_t *export, size_t *index)
{
    const wb_trace_entry_t *entry;
    while ((entry = wb_trace_at (export->trace, (*index)++)))
        if (wb_trace_match (entry, export->filter))
            return entry;
    return NULL;
}

//  The arrow's label: the message's name, then its headline.
static void
s_label (const wb_trace_entry_t *entry, char *label, size_t size)
{
    snprintf (label, size, "%s%s%s", entry->name, *entry->headline ? " " : "", entry->headline);
}

static size_t
s_characters (const char *text)
{
    size_t count = 0;
    for (; *text; text++)
        count += ((unsigned char) *text & 0xC0) != 0x80;
    return count;
}

// ---------------------------------------------------------------- text

static void
s_text_arrow (const wb_trace_entry_t *entry, char *arrow, size_t size)
{
    if (entry->kind == WB_TRACE_CAUSE)
        snprintf (arrow, size, "~~%s~~>", entry->name);
    else
        snprintf (arrow, size, "--%s ref=%" PRId64 "--%s", entry->name, entry->reference_id,
                  entry->error ? "x" : ">");
}

//  "hh:mm:ss.mmm  FROM --Name ref=N--> TO  headline"; a cause
//  "FROM ~~PlacedIn~~> server", an error's arrow ends in x.
static void
s_write_text (FILE *file, const s_export_t *export)
{
    int party_width = 0, arrow_width = 0;
    for (size_t index = 0; index < export->count; index++) {
        int width = (int) s_characters (wb_trace_party (export->trace, export->parties [index]));
        party_width = width > party_width ? width : party_width;
    }
    const wb_trace_entry_t *entry;
    char arrow [WB_TRACE_NAME_MAX + 40];
    for (size_t index = 0; (entry = s_next (export, &index));) {
        s_text_arrow (entry, arrow, sizeof (arrow));
        arrow_width = entry->kind != WB_TRACE_MARK && (int) strlen (arrow) > arrow_width
                    ? (int) strlen (arrow) : arrow_width;
    }
    fprintf (file, "# %s\n# lifelines:", export->title);
    for (size_t index = 0; index < export->count; index++)
        fprintf (file, " %s", wb_trace_party (export->trace, export->parties [index]));
    fprintf (file, "\n# time (UTC)    FROM --Name ref=N--> TO  headline (--x an error, ~~> what caused a change)\n");
    for (size_t index = 0; (entry = s_next (export, &index));) {
        time_t seconds = (time_t) (entry->time_ms / 1000);
        struct tm utc;
        char clock [16] = "??:??:??";
        if (gmtime_r (&seconds, &utc))
            strftime (clock, sizeof (clock), "%H:%M:%S", &utc);
        if (entry->kind == WB_TRACE_MARK) {
            fprintf (file, "%s.%03d  ==== %s ====\n", clock, (int) (entry->time_ms % 1000),
                     entry->headline);
            continue;
        }
        s_text_arrow (entry, arrow, sizeof (arrow));
        const char *from = wb_trace_party (export->trace, entry->from);
        const char *to = wb_trace_party (export->trace, entry->to);
        int to_width = *entry->headline ? party_width + (int) (strlen (to) - s_characters (to)) : 0;
        fprintf (file, "%s.%03d  %-*s %-*s %-*s%s%s\n", clock, (int) (entry->time_ms % 1000),
                 party_width + (int) (strlen (from) - s_characters (from)), from, arrow_width,
                 arrow, to_width, to, *entry->headline ? "  " : "", entry->headline);
    }
}

// ---------------------------------------------------------------- Mermaid

//  Text as Mermaid reads it: '#' starts an entity code and ';' or a
//  newline ends a statement, so they (and what its HTML labels would
//  read as markup, '<' and '&', and the '%' of comments) are written as
//  entity codes, "#59;"; a participant's label may not hold '>', ':', ',',
//  '@' or '"' either. A text that begins "wrap:" or "nowrap:" would set wrapping.
static void
s_put_mermaid (FILE *file, const char *text, bool label)
{
    const char *special = label ? "#;%<>&:,@\"" : "#;%<&";
    bool directive = strncmp (text, "wrap:", 5) == 0 || strncmp (text, "nowrap:", 7) == 0;
    for (const unsigned char *at = (const unsigned char *) text; *at; at++) {
        if (*at < 0x20)
            fputc (' ', file);
        else
        if (directive || strchr (special, *at))
            fprintf (file, "#%d;", *at);
        else
            fputc (*at, file);
        directive = false;
    }
}

//  A request "->>", a reply or event "-->>", an error "--x", a cause "-)".
static const char *
s_mermaid_arrow (const wb_trace_entry_t *entry)
{
    if (entry->kind == WB_TRACE_CAUSE)
        return "-)";
    if (entry->error)
        return "--x";
    return entry->kind == WB_TRACE_REQUEST ? "->>" : "-->>";
}

static void
s_write_mermaid (FILE *file, const s_export_t *export)
{
    fprintf (file, "sequenceDiagram\n    title ");
    s_put_mermaid (file, export->title, false);
    fprintf (file, "\n");
    for (size_t index = 0; index < export->count; index++) {
        fprintf (file, "    participant P%zu as ", index);
        s_put_mermaid (file, wb_trace_party (export->trace, export->parties [index]), true);
        fprintf (file, "\n");
    }
    const wb_trace_entry_t *entry;
    char label [WB_TRACE_NAME_MAX + WB_TRACE_HEADLINE_MAX];
    for (size_t index = 0; (entry = s_next (export, &index));) {
        if (entry->kind == WB_TRACE_MARK) {
            fprintf (file, "    Note over P0,P%zu: ", export->count - 1);
            s_put_mermaid (file, entry->headline, false);
        }
        else {
            fprintf (file, "    P%zu%sP%zu: ", export->column [entry->from], s_mermaid_arrow (entry),
                     export->column [entry->to]);
            s_label (entry, label, sizeof (label));
            s_put_mermaid (file, label, false);
        }
        fprintf (file, "\n");
    }
}

// ---------------------------------------------------------------- PlantUML

//  Text as PlantUML reads it: a backslash makes a line break, '<' '>' '&'
//  '"' '~' markup, and a doubled '*' '-' '_' '/' '=' '[' ']' '{' '}' '|'
//  '\'' '#' '^' creole; those are written as <U+XXXX> characters, which
//  PlantUML decodes after its markup.
static void
s_put_plantuml (FILE *file, const char *text)
{
    for (const unsigned char *at = (const unsigned char *) text; *at; at++) {
        bool doubled = at [1] == *at && strchr ("*-_/=[]{}|'#^", *at);
        if (*at < 0x20)
            fputc (' ', file);
        else
        if (strchr ("\\<>&\"~", *at) || doubled)
            fprintf (file, "<U+%04X>", *at);
        else
            fputc (*at, file);
    }
}

//  A request "->", a reply or event "-->", an error in red, a cause "->>".
static const char *
s_plantuml_arrow (const wb_trace_entry_t *entry)
{
    if (entry->kind == WB_TRACE_CAUSE)
        return "->>";
    if (entry->error)
        return "-[#red]->";
    return entry->kind == WB_TRACE_REQUEST ? "->" : "-->";
}

static void
s_write_plantuml (FILE *file, const s_export_t *export)
{
    fprintf (file, "@startuml\ntitle ");
    s_put_plantuml (file, export->title);
    fprintf (file, "\n");
    for (size_t index = 0; index < export->count; index++) {
        fprintf (file, "participant \"");
        s_put_plantuml (file, wb_trace_party (export->trace, export->parties [index]));
        fprintf (file, "\" as P%zu\n", index);
    }
    const wb_trace_entry_t *entry;
    char label [WB_TRACE_NAME_MAX + WB_TRACE_HEADLINE_MAX];
    for (size_t index = 0; (entry = s_next (export, &index));) {
        if (entry->kind == WB_TRACE_MARK) {
            fprintf (file, "== ");
            s_put_plantuml (file, entry->headline);
            fprintf (file, " ==\n");
            continue;
        }
        fprintf (file, "P%zu %s P%zu : ", export->column [entry->from], s_plantuml_arrow (entry),
                 export->column [entry->to]);
        s_label (entry, label, sizeof (label));
        s_put_plantuml (file, label);
        fprintf (file, "\n");
    }
    fprintf (file, "@enduml\n");
}

// ---------------------------------------------------------------- SVG

/* The drawing's measures, in pixels: a monospace font of 12 px is at
   most 8 px a character. */
#define S_CHAR 8
#define S_MARGIN 20
#define S_TOP 40                 /* the party boxes */
#define S_BOX 24
#define S_ROW 30                 /* one entry */
#define S_COLUMN_MIN 200
#define S_COLUMN_MAX 360         /* longer labels run past the next lifeline */

static void
s_put_xml (FILE *file, const char *text)
{
    for (const unsigned char *at = (const unsigned char *) text; *at; at++) {
        if (*at < 0x20)
            fputc (' ', file);
        else
        if (*at == '&')
            fputs ("&amp;", file);
        else
        if (*at == '<')
            fputs ("&lt;", file);
        else
        if (*at == '>')
            fputs ("&gt;", file);
        else
        if (*at == '"')
            fputs ("&quot;", file);
        else
            fputc (*at, file);
    }
}

typedef struct {
    int column;                  /* between two lifelines */
    int width;
    int height;
} s_svg_size_t;

static int
s_lifeline_x (const s_svg_size_t *size, size_t column)
{
    return S_MARGIN + size->column / 2 + (int) column * size->column;
}

//  Lifelines as far apart as the longest label asks, within bounds; the
//  width holds every label, which may run past the lifelines it joins.
static s_svg_size_t
s_svg_measure (const s_export_t *export)
{
    s_svg_size_t size = { S_COLUMN_MIN, 0, 0 };
    size_t longest = 0, rows = 0;
    for (size_t index = 0; index < export->count; index++) {
        int box = (int) s_characters (wb_trace_party (export->trace, export->parties [index]))
                * S_CHAR + 2 * S_MARGIN;
        size.column = box > size.column ? box : size.column;
    }
    const wb_trace_entry_t *entry;
    char label [WB_TRACE_NAME_MAX + WB_TRACE_HEADLINE_MAX];
    for (size_t index = 0; (entry = s_next (export, &index)); rows++) {
        s_label (entry, label, sizeof (label));
        longest = s_characters (label) > longest ? s_characters (label) : longest;
    }
    int wanted = (int) longest * S_CHAR + S_MARGIN;
    if (wanted > size.column)
        size.column = wanted < S_COLUMN_MAX ? wanted : S_COLUMN_MAX;
    int labels = S_MARGIN + (int) longest * S_CHAR + 2 * S_MARGIN;
    int lifelines = 2 * S_MARGIN + (int) export->count * size.column;
    size.width = labels > lifelines ? labels : lifelines;
    size.height = S_TOP + S_BOX + (int) (rows + 1) * S_ROW + S_MARGIN;
    return size;
}

static void
s_svg_head (FILE *file, const s_export_t *export, const s_svg_size_t *size)
{
    fprintf (file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
                   "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n",
             size->width, size->height, size->width, size->height);
    fprintf (file, "<title>");
    s_put_xml (file, export->title);
    fprintf (file, "</title>\n<defs>\n");
    const char *markers [][2] = { { "arrow", "#222" }, { "error", "#c00" }, { "cause", "#777" } };
    for (size_t index = 0; index < 3; index++)
        fprintf (file, "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                       "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
                       "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
                 markers [index][0], markers [index][1]);
    fprintf (file, "</defs>\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
                   "<text class=\"title\" x=\"%d\" y=\"24\" font-size=\"14\" font-weight=\"bold\">",
             size->width, size->height, S_MARGIN);
    s_put_xml (file, export->title);
    fprintf (file, "</text>\n");
}

static void
s_svg_lifelines (FILE *file, const s_export_t *export, const s_svg_size_t *size)
{
    for (size_t index = 0; index < export->count; index++) {
        int x = s_lifeline_x (size, index);
        const char *name = wb_trace_party (export->trace, export->parties [index]);
        int box = (int) s_characters (name) * S_CHAR + S_MARGIN;
        fprintf (file, "<line class=\"lifeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                       "stroke=\"#999\"/>\n", x, S_TOP + S_BOX, x, size->height - S_MARGIN);
        fprintf (file, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef\" "
                       "stroke=\"#333\"/>\n", x - box / 2, S_TOP, box, S_BOX);
        fprintf (file, "<text class=\"party\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", x,
                 S_TOP + 16);
        s_put_xml (file, name);
        fprintf (file, "</text>\n");
    }
}

//  A pale ground under the label at x of row y, so that a lifeline it
//  crosses stays behind the text (a character is about 0.9 S_CHAR wide).
static void
s_svg_ground (FILE *file, int x, int y, const char *label)
{
    fprintf (file, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#fff\" "
                   "fill-opacity=\"0.85\"/>\n", x - 2, y - 17,
             (int) s_characters (label) * S_CHAR * 9 / 10 + 4);
}

//  One entry at row y: a dashed divider with its label, or an arrow with
//  its label above it (replies and events dashed, errors red, a cause dotted).
static void
s_svg_entry (FILE *file, const s_export_t *export, const s_svg_size_t *size,
             const wb_trace_entry_t *entry, int y)
{
    char label [WB_TRACE_NAME_MAX + WB_TRACE_HEADLINE_MAX];
    if (entry->kind == WB_TRACE_MARK) {
        fprintf (file, "<line class=\"mark\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" "
                       "stroke-dasharray=\"8,4\"/>\n", S_MARGIN / 2, y, size->width - S_MARGIN / 2, y);
        s_svg_ground (file, S_MARGIN, y, entry->headline);
        fprintf (file, "<text class=\"mark\" x=\"%d\" y=\"%d\" font-weight=\"bold\">",
                 S_MARGIN, y - 6);
        s_put_xml (file, entry->headline);
        fprintf (file, "</text>\n");
        return;
    }
    static const char *kinds [] = { "request", "reply", "event", "cause", "mark" };
    int x1 = s_lifeline_x (size, export->column [entry->from]);
    int x2 = s_lifeline_x (size, export->column [entry->to]);
    const char *colour = entry->error ? "#c00" : entry->kind == WB_TRACE_CAUSE ? "#777" : "#222";
    const char *dashes = entry->kind == WB_TRACE_REQUEST ? ""
                       : entry->kind == WB_TRACE_CAUSE ? " stroke-dasharray=\"2,3\""
                       : " stroke-dasharray=\"6,3\"";
    const char *marker = entry->error ? "error" : entry->kind == WB_TRACE_CAUSE ? "cause" : "arrow";
    fprintf (file, "<line class=\"%s%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"%s "
                   "marker-end=\"url(#%s)\"/>\n", kinds [entry->kind], entry->error ? " error" : "",
             x1, y, x2, y, colour, dashes, marker);
    s_label (entry, label, sizeof (label));
    int x = (x1 < x2 ? x1 : x2) + 8;
    s_svg_ground (file, x, y, label);
    fprintf (file, "<text class=\"message\" x=\"%d\" y=\"%d\" fill=\"%s\">", x, y - 6, colour);
    s_put_xml (file, label);
    fprintf (file, "</text>\n");
}

static void
s_write_svg (FILE *file, const s_export_t *export)
{
    s_svg_size_t size = s_svg_measure (export);
    s_svg_head (file, export, &size);
    s_svg_lifelines (file, export, &size);
    const wb_trace_entry_t *entry;
    int y = S_TOP + S_BOX + S_ROW;
    for (size_t index = 0; (entry = s_next (export, &index)); y += S_ROW)
        s_svg_entry (file, export, &size, entry, y);
    fprintf (file, "</svg>\n");
}

// ---------------------------------------------------------------- export

static s_writer_fn *s_writers [] = {
    [WB_TRACE_TEXT] = s_write_text,
    [WB_TRACE_MERMAID] = s_write_mermaid,
    [WB_TRACE_PLANTUML] = s_write_plantuml,
    [WB_TRACE_SVG] = s_write_svg,
};

int
wb_trace_export (const wb_trace_t *self, const wb_trace_filter_t *filter, const char *title,
                 const char *path)
{
    int format = wb_trace_format_of (path);
    if (!self || format < 0) {
        errno = EINVAL;
        return -1;
    }
    s_export_t export = { self, filter, title && *title ? title : "message flow", { 0 }, 0, { 0 } };
    export.count = wb_trace_parties_shown (self, filter, export.parties, WB_TRACE_PARTIES_LIMIT);
    for (size_t index = 0; index < export.count; index++)
        export.column [export.parties [index]] = index;
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    errno = 0;
    s_writers [format] (file, &export);
    bool failed = ferror (file) != 0;
    if (fclose (file) != 0 || failed) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}
