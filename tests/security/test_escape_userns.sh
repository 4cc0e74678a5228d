#!/bin/bash
# SPDX-License-Identifier: MIT
# The escape battery (test_escape.sh) a second time, every attacked container under
# --userns auto: its root is an unprivileged host user as well. The controls keep their
# own modes (a --privileged control runs as before). Each attack must stay blocked; what
# the user namespace adds on top (a root that breaks out of the mount namespace still
# owns nothing on the host) is tested in test_userns.sh.
export BOX_TEST_USERNS=auto
exec bash "$(dirname "$0")/test_escape.sh" "$@"
