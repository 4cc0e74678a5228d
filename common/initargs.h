/* SPDX-License-Identifier: MIT */
/*
 * initargs: the launch -> boxinit contract, the long option names launch puts on
 * boxinit's command line (launcher/initexec.c) and boxinit parses (init/cmdline.c),
 * without their "--". Defined here once so that the two cannot drift apart;
 * tests/unit/test_launch_initexec.c feeds every one through both.
 */
#pragma once

#define INITARG_CONTAINER    "container"         /* PID 1 of a container */
#define INITARG_MOUNTED      "mounted"           /* launch's plan made /proc, /sys, /dev */
#define INITARG_KEEP_RUNNING "keep-running"      /* not --exit-with-main */
#define INITARG_GRACE        "grace"             /* SECONDS */
#define INITARG_PRIVILEGED   "privileged"        /* every capability kept */
#define INITARG_WORKDIR      "workdir"           /* DIR */
#define INITARG_USER         "user"              /* UID[:GID] */
#define INITARG_CAP_ADD      "cap-add"           /* CAP,... */
#define INITARG_CAP_DROP     "cap-drop"          /* CAP,... or ALL */
#define INITARG_NO_NEW_PRIVS "no-new-privileges" /* */
#define INITARG_VERBOSE      "verbose"           /* debug lines */
#define INITARG_CONFIG       "config"            /* FILE (boxinit.conf) */
#define INITARG_SERVICE      "service"           /* NAME=CMD, repeatable */
#define INITARG_CONTROL_FD   "control-fd"        /* FD, launch's socket */
#define INITARG_TTY          "tty"               /* a pty for CMD (needs --control-fd) */
#define INITARG_CONFIG_NAME  "config-name"       /* NAME of FILE in messages (the host's) */

/* "--" INITARG_X: the option as it is written on the command line. */
#define INITARG(name) "--" name
