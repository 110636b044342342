#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

/* SwiftPM drops the -D flags pkg-config reports, so the wide-character API is switched on here. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

/* Macros and globals Swift cannot import, wrapped as functions. */

static inline WINDOW *CNcurses_stdscr(void) { return stdscr; }
static inline int CNcurses_LINES(void) { return LINES; }
static inline int CNcurses_COLS(void) { return COLS; }
static inline int CNcurses_COLORS(void) { return COLORS; }
static inline int CNcurses_COLOR_PAIRS(void) { return COLOR_PAIRS; }

static inline void CNcurses_getmaxyx(WINDOW *window, int *rows, int *columns) {
    int y = 0, x = 0;
    getmaxyx(window, y, x);
    *rows = y;
    *columns = x;
}

static inline attr_t CNcurses_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t CNcurses_A_BOLD(void) { return A_BOLD; }
static inline attr_t CNcurses_A_DIM(void) { return A_DIM; }
static inline attr_t CNcurses_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CNcurses_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CNcurses_COLOR_PAIR(int pair) { return (attr_t)COLOR_PAIR(pair); }

static inline int CNcurses_CCHARW_MAX(void) { return CCHARW_MAX; }
static inline int CNcurses_ERR(void) { return ERR; }
static inline int CNcurses_OK(void) { return OK; }
static inline int CNcurses_KEY_CODE_YES(void) { return KEY_CODE_YES; }
static inline int CNcurses_KEY_RESIZE(void) { return KEY_RESIZE; }
static inline int CNcurses_KEY_UP(void) { return KEY_UP; }
static inline int CNcurses_KEY_DOWN(void) { return KEY_DOWN; }
static inline int CNcurses_KEY_LEFT(void) { return KEY_LEFT; }
static inline int CNcurses_KEY_RIGHT(void) { return KEY_RIGHT; }
static inline int CNcurses_KEY_PPAGE(void) { return KEY_PPAGE; }
static inline int CNcurses_KEY_NPAGE(void) { return KEY_NPAGE; }
static inline int CNcurses_KEY_HOME(void) { return KEY_HOME; }
static inline int CNcurses_KEY_END(void) { return KEY_END; }
static inline int CNcurses_KEY_BACKSPACE(void) { return KEY_BACKSPACE; }
static inline int CNcurses_KEY_DC(void) { return KEY_DC; }
static inline int CNcurses_KEY_ENTER(void) { return KEY_ENTER; }
static inline int CNcurses_KEY_BTAB(void) { return KEY_BTAB; }

#endif
