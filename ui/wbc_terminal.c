/*  wbc_terminal: questions about the terminal type that need term.h, which
    defines macros ('lines', 'columns'...) that the rest of the view must
    not see. */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <term.h>
#include <stdbool.h>

bool wbc_terminal_can_address (void);

bool
wbc_terminal_can_address (void)
{
    const char *address = tigetstr ("cup");
    return address && address != (const char *) -1;
}
