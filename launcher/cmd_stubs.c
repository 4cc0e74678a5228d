// SPDX-License-Identifier: MIT
/* Temporary: the commands still to write. */
#include "cmd.h"
#include "log.h"
#include "util.h"

int cmd_ps(int argc, char **argv) { (void)argc; (void)argv; log_error("not yet"); return 125; }
int cmd_stats(int argc, char **argv) { (void)argc; (void)argv; log_error("not yet"); return 125; }
int cmd_exec(int argc, char **argv) { (void)argc; (void)argv; log_error("not yet"); return 125; }
