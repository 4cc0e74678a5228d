/* SPDX-License-Identifier: MIT */
/*
 * term: the host's terminal while launch relays a container's terminal (the
 * container's own, streams.c, or one `launch exec -t` opened): raw mode on the
 * way in, the saved modes back on every way out, and its size copied onto the
 * container's pty.
 */
#pragma once

#include <stdbool.h>
#include <termios.h>

/* Puts fd (a terminal) in raw mode, its modes saved in *saved. true when it did. */
bool term_raw(int fd, struct termios *saved);
/* Discards unread input (answers to what the container printed) and restores *saved. */
void term_restore(int fd, const struct termios *saved);
/* The size of the first terminal among 0, 1, 2 onto the pty master. */
void term_copy_winsize(int master);
