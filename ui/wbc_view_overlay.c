/*  wbc_view_overlay: draws the box over the panes (help, details of an
    interaction, the status history, the workbin picker of a move). Its
    text comes from wbc_overlay_text, its place from the layout and its
    first line from the app, which keeps the scroll within the text. */
#include "wbc_view_internal.h"
#include "wbc_overlay_text.h"
#include "wbc_text.h"

void
wbc_view_draw_overlay (wbc_draw_t *draw)
{
    static wbc_overlay_text_t lines;
    lines.wrap = wbc_layout_overlay_columns (draw->layout);
    if (wbc_overlay_text_build (&lines, draw->model, draw->ui, draw->keys))
        return;
    wbc_rect_t box = draw->layout->overlay;
    wbc_view_use (draw->view, WBC_THEME_HELP);
    wbc_view_clear (box);
    wbc_view_use (draw->view, WBC_THEME_BORDER);
    wbc_view_frame (draw->view, box);
    wbc_view_use (draw->view, WBC_THEME_TITLE_FOCUS);
    int title_width = (int) wbc_text_width (lines.title);     //  columns, not bytes
    wbc_view_put (box.y, box.x + 2, title_width < box.width - 4 ? title_width : box.width - 4, lines.title);
    size_t rows = wbc_layout_overlay_rows (draw->layout);
    size_t scroll = draw->ui->overlay_scroll;
    for (size_t row = 0; row < rows && scroll + row < lines.count; row++) {
        wbc_view_use (draw->view, lines.heading [scroll + row] ? WBC_THEME_HEADER : WBC_THEME_HELP);
        wbc_view_put (box.y + 1 + (int) row, box.x + 2, box.width - 4, lines.text [scroll + row]);
    }
}
