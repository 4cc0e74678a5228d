/* SPDX-License-Identifier: MIT */
/*
 * console: the container's own terminal (boxinit --tty, given by launch). A pty
 * from the devpts instance boxinit mounted on /dev/pts: the slave becomes
 * /dev/console, boxinit's stdout and stderr and later the main command's
 * controlling terminal and stdio; the master goes to launch over the control
 * socket, and launch relays it to the host's terminal. So nothing in the
 * container ever holds a terminal of the host. Runs before the capabilities are
 * dropped (the /dev/console bind needs CAP_SYS_ADMIN), before anything is forked.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Opens the pty, binds the slave on /dev/console, makes it stdout and stderr, hands the
 * master to launch over ctl_fd and waits for launch's go-ahead (or its end). The slave
 * (close-on-exec) is *ret_slave; owner uid when has_user (as the command's own terminal
 * would be). Logs; -errno. */
int console_open(int ctl_fd, bool has_user, uid_t uid, int *ret_slave);
