# SPDX-License-Identifier: MIT
# box: one non-recursive Makefile. Outputs go to build/.
#   make deps    install every Debian package the build, demo and tests need
#   make         build/boxinit and build/launch (static, musl), build/probe
#   make check   every test (unit + shunit2 suites); ends "N passed, N failed, N skipped"
#   make lint    clang-format check, cppcheck, clang-tidy (.clang-tidy), house rules
#   make check-asan  launch, box and the unit tests under ASan+UBSan (build/asan)
#   make fuzz    libFuzzer targets of fuzz/, each for FUZZ_SECONDS (not part of check)
#   make bench   benchmarks against peers (not part of check); bench-scale, bench-breakdown
#   make install PREFIX=/usr/local DESTDIR=   binaries, man pages, bash completion
#   make uninstall                            removes exactly what install put there
#   make demo    the main job: nginx in a Debian container

BUILD     := build
DEPS      := $(BUILD)/deps
CC        ?= cc
MUSL_CC   := musl-gcc
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wundef -Wpointer-arith -Wvla
HARDEN    := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection
BASEFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -DBOX_VERSION='"$(VERSION)"' \
             -ffunction-sections -fdata-sections -Icommon -ffile-prefix-map=$(CURDIR)=.
# boxinit: static musl, libuv + libcap built for musl into build/deps. -z norelro: musl does
# not apply RELRO in a static binary (its mappings stay writable either way), so the segment
# only padded the file to a page.
INIT_CFLAGS  := $(BASEFLAGS) $(HARDEN) -Os -fno-asynchronous-unwind-tables -I$(DEPS)/include -Iinit
INIT_LDFLAGS := -static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro -L$(DEPS)/lib
# Host builds of the init and launch modules (unit tests, the seccomp generator): glibc, PIE.
HOST_CFLAGS  := $(BASEFLAGS) $(HARDEN) -fPIE -Iinit -Icore -Ilauncher -Ioci -I/usr/include/libnl3
HOST_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--gc-sections

COMMON_SRC   := $(wildcard common/*.c)
INIT_SRC     := $(filter-out init/main.c,$(wildcard init/*.c))
CORE_SRC     := $(wildcard core/*.c)
OCI_SRC      := $(filter-out oci/main.c,$(wildcard oci/*.c))
LAUNCH_SRC   := $(filter-out launcher/main.c,$(wildcard launcher/*.c)) $(CORE_SRC) $(OCI_SRC)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)

INIT_OBJ     := $(patsubst %.c,$(BUILD)/musl/%.o,$(COMMON_SRC) $(INIT_SRC))
HOSTINIT_OBJ := $(patsubst %.c,$(BUILD)/host/%.o,$(COMMON_SRC) $(INIT_SRC))
LAUNCH_OBJ   := $(patsubst %.c,$(BUILD)/host/%.o,$(LAUNCH_SRC))
UNIT_BIN     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC)) \
                $(BUILD)/tests/cgroup_driver

.PHONY: all deps check check-v2 check-asan asan soak unit lint format bench bench-scale bench-breakdown demo rootfs clean \
        distclean man install uninstall fuzz fuzz-build
MAN := $(BUILD)/man/launch.1 $(BUILD)/man/boxinit.8 $(BUILD)/man/boxinit.conf.5 $(BUILD)/man/box.8
all: $(BUILD)/boxinit $(BUILD)/launch $(BUILD)/box $(BUILD)/probe $(BUILD)/attack $(BUILD)/allowed $(BUILD)/holdfork $(MAN)

# --- dependencies ------------------------------------------------------------
APT_PACKAGES := build-essential musl-tools cmake dpkg-dev file pkg-config \
                libuv1-dev libcap-dev libcmocka-dev libinih-dev libseccomp-dev libnl-3-dev libjansson-dev \
                gperf flex bison \
                busybox-static shunit2 debootstrap util-linux procps psmisc iproute2 \
                curl python3 strace clang-format clang-tidy cppcheck scdoc clang libclang-rt-14-dev \
                hyperfine tini dumb-init catatonit bubblewrap runc crun qemu-system-x86 supervisor \
                nftables wrk podman conmon containerd slirp4netns uidmap umoci skopeo
# `make deps` is the one set-up step; every build target runs it once on a fresh
# machine through the stamp, so `make demo` and `make check` work from a clean clone.
APT_STAMP := $(BUILD)/.apt-$(shell echo $(APT_PACKAGES) | md5sum | cut -c1-8)
deps:
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 $(APT_PACKAGES)
	@mkdir -p $(BUILD) && touch $(APT_STAMP)

$(APT_STAMP):
	$(MAKE) deps

$(DEPS)/.done: tools/build-deps.sh | $(APT_STAMP)
	tools/build-deps.sh $(DEPS)

# --- boxinit (musl, static) ----------------------------------------------------
$(BUILD)/musl/%.o: %.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/musl/libboxinit.a: $(INIT_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/boxinit: $(BUILD)/musl/init/main.o $(BUILD)/musl/libboxinit.a
	$(MUSL_CC) $(INIT_LDFLAGS) -o $@ $^ -luv -lcap -linih

# --- launch and host objects ----------------------------------------------------
$(BUILD)/host/%.o: %.c | $(APT_STAMP)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/libboxinit.a: $(HOSTINIT_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/host/liblaunch.a: $(LAUNCH_OBJ) $(patsubst %.c,$(BUILD)/host/%.o,$(COMMON_SRC))
	rm -f $@ && ar rcs $@ $^

# The host (glibc) build of launch's modules is for the unit tests; they link these.
LAUNCH_LIBS := -Wl,-Bstatic -lseccomp -lcap -luv_a -Wl,-Bdynamic -lnl-3 -ljansson

# --- launch (musl, static) ------------------------------------------------------------
# Static like boxinit: no dynamic loader at every start (0.6 ms here), and
# it runs on any host. libseccomp, libcap, libuv and libnl-3 are built for musl into
# build/deps; the common modules are boxinit's musl objects.
LAUNCH_CFLAGS  := $(BASEFLAGS) $(HARDEN) -I$(DEPS)/include -Iinit -Icore -Ilauncher -Ioci
LAUNCH_LDFLAGS := -static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro -L$(DEPS)/lib
MLAUNCH_OBJ    := $(patsubst %.c,$(BUILD)/musl/%.o,$(LAUNCH_SRC))
$(BUILD)/musl/launcher/%.o: launcher/%.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(LAUNCH_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/musl/core/%.o: core/%.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(LAUNCH_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/musl/oci/%.o: oci/%.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(LAUNCH_CFLAGS) -MMD -MP -c $< -o $@

# launch checks a -c FILE with boxinit's own parser (boxinit's musl objects) before it
# creates anything. The host archive leaves them out: the unit tests link libboxinit.a.
LAUNCH_INIT_OBJ := $(patsubst %.c,$(BUILD)/musl/%.o,init/svcconf.c init/shellwords.c init/users.c)
$(BUILD)/musl/liblaunch.a: $(MLAUNCH_OBJ) $(LAUNCH_INIT_OBJ) \
		$(patsubst %.c,$(BUILD)/musl/%.o,$(COMMON_SRC))
	rm -f $@ && ar rcs $@ $^

$(BUILD)/launch: $(BUILD)/musl/launcher/main.o $(BUILD)/musl/liblaunch.a
	$(MUSL_CC) $(LAUNCH_LDFLAGS) -o $@ $^ -lseccomp -lcap -luv -lnl-3 -ljansson -linih

# box: the OCI runtime (oci/), on the same core and archive as launch.
$(BUILD)/box: $(BUILD)/musl/oci/main.o $(BUILD)/musl/liblaunch.a
	$(MUSL_CC) $(LAUNCH_LDFLAGS) -o $@ $^ -lseccomp -lcap -luv -lnl-3 -ljansson -linih

# The default seccomp filter, compiled at build time by libseccomp from the table in
# launcher/syscalls.c (launcher/syscalls_prebuilt.c hands it out).
GEN := $(BUILD)/host/gen
$(BUILD)/host/seccomp-gen: $(BUILD)/host/core/gen/seccomp_gen.o $(BUILD)/host/core/syscalls.o \
		$(patsubst %.c,$(BUILD)/host/%.o,$(COMMON_SRC))
	$(CC) $(HOST_LDFLAGS) -o $@ $^ -lseccomp -lcap

$(GEN)/seccomp_prebuilt.h: $(BUILD)/host/seccomp-gen
	@mkdir -p $(@D)
	$< >$@.tmp && mv $@.tmp $@

$(BUILD)/host/core/syscalls_prebuilt.o: $(GEN)/seccomp_prebuilt.h
$(BUILD)/host/core/syscalls_prebuilt.o: HOST_CFLAGS += -I$(GEN)
$(BUILD)/musl/core/syscalls_prebuilt.o: $(GEN)/seccomp_prebuilt.h
$(BUILD)/musl/core/syscalls_prebuilt.o: LAUNCH_CFLAGS += -I$(GEN)

# --- test probe: static so it runs in any rootfs ------------------------------------
$(BUILD)/probe: tests/probe/probe.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -static -s -o $@ $<

# The escape battery's attacks (tests/security): static, like the probe.
$(BUILD)/attack: tests/security/attack.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -static -s -o $@ $<

# What the default seccomp profile must let through (tests/security): static, like attack.
$(BUILD)/allowed: tests/security/allowed.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -static -s -o $@ $< -lpthread

# Holds boxinit at its fork for tests/init/test_signals (ptrace): static, like the probe.
$(BUILD)/holdfork: tests/init/holdfork.c | $(DEPS)/.done
	@mkdir -p $(@D)
	$(MUSL_CC) $(INIT_CFLAGS) -static -s -o $@ $<

# --- unit tests (cmocka, host build with system libuv/libcap) ------------------------
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/host/libboxinit.a $(BUILD)/host/liblaunch.a
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(HOST_LDFLAGS) -o $@ $< $(BUILD)/host/liblaunch.a \
		$(BUILD)/host/libboxinit.a -lcmocka -luv -lcap -linih $(LAUNCH_LIBS)

unit: $(UNIT_BIN)

check: all unit
	tests/run.sh

# The soak: SOAK_N containers (default 1000) through launch and box with random outcomes, then
# nothing may be left (tests/soak/soak.sh; 100 of them run in make check as tests/soak).
SOAK_N ?= 1000
soak: all
	SOAK_N=$(SOAK_N) tests/soak/soak.sh

# The suites in a qemu VM on a pure cgroup v2 kernel: those listed in tools/vm/suites,
# or V2_SUITES="all" / "launch init/test_container ..." (see tools/vm/run.sh).
check-v2: all unit
	BOXVM_TIMEOUT=$${BOXVM_TIMEOUT:-3300} tools/vm/run.sh $(V2_SUITES)

# --- fuzzing (libFuzzer; not part of check) -------------------------------------------
# The real sources, built again by clang with ASan and UBSan (UB aborts) into build/fuzz;
# one binary per fuzz/fuzz_NAME.c, each run for FUZZ_SECONDS on a copy of its committed
# seeds (fuzz/corpus/NAME) and, when there is one, the dictionary fuzz/NAME.dict (the names
# the parser knows). New inputs go to build/fuzz/corpus/NAME, crashes to build/fuzz/crash/NAME/.
# Details and the figures reached: README.md, "Fuzzing".
FUZZ_CC      := clang-14
FUZZ_SECONDS ?= 30
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARN) -D_GNU_SOURCE \
                -DBOX_VERSION='"$(VERSION)"' -Icommon -Iinit -Icore -Ilauncher -Ioci \
                -I/usr/include/libnl3 $(FUZZ_SAN)
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst fuzz/fuzz_%.c,$(BUILD)/fuzz/fuzz_%,$(FUZZ_SRC))
FUZZ_INIT_OBJ   := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(COMMON_SRC) $(INIT_SRC))
FUZZ_LAUNCH_OBJ := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LAUNCH_SRC) $(COMMON_SRC))

$(BUILD)/fuzz/obj/%.o: %.c | $(APT_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(BUILD)/fuzz/obj/core/syscalls_prebuilt.o: $(GEN)/seccomp_prebuilt.h
$(BUILD)/fuzz/obj/core/syscalls_prebuilt.o: FUZZ_CFLAGS += -I$(GEN)

$(BUILD)/fuzz/libboxinit.a: $(FUZZ_INIT_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/fuzz/liblaunch.a: $(FUZZ_LAUNCH_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(BUILD)/fuzz/liblaunch.a $(BUILD)/fuzz/libboxinit.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(BUILD)/fuzz/liblaunch.a \
		$(BUILD)/fuzz/libboxinit.a -luv -lcap -linih $(LAUNCH_LIBS)

fuzz-build: $(FUZZ_BIN)

# -close_fd_mask=3: the parsers' own messages would drown libFuzzer's (its reports still show).
fuzz: fuzz-build
	@set -e; for b in $(FUZZ_BIN); do \
		n=$${b##*/fuzz_}; mkdir -p $(BUILD)/fuzz/corpus/$$n $(BUILD)/fuzz/crash/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s (log: $(BUILD)/fuzz/$$n.log)"; \
		if ! $$b -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=3 -print_final_stats=1 \
			$$(test -f fuzz/$$n.dict && echo -dict=fuzz/$$n.dict) \
			-artifact_prefix=$(BUILD)/fuzz/crash/$$n/ $(BUILD)/fuzz/corpus/$$n \
			fuzz/corpus/$$n >$(BUILD)/fuzz/$$n.log 2>&1; then \
			tail -n 40 $(BUILD)/fuzz/$$n.log; echo "fuzz: $$n FAILED"; exit 1; fi; \
		grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec)' \
			$(BUILD)/fuzz/$$n.log; \
	done; echo 'fuzz: ok'

# --- sanitizers ------------------------------------------------------------------------------
# make check-asan: launch, box, the unit tests and the modules they test (init/ included)
# built with ASan+UBSan into build/asan (glibc, dynamic: ASan cannot link static musl), then the
# unit tests and tests/launch run against them. boxinit stays the static musl build/boxinit
# (copied next to the asan launch, which finds boxinit beside itself): ASan has no static
# musl runtime, so boxinit's own code is checked through the unit tests that link init/.
# Every report goes to a file under build/asan/reports; any file there fails the run, even
# when the report came from a process whose exit status nobody checks.
ASAN      := $(BUILD)/asan
ASAN_CC   ?= $(CC)
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_CFLAGS := $(BASEFLAGS) -O1 $(ASAN_FLAGS) -Iinit -Icore -Ilauncher -Ioci \
               -I/usr/include/libnl3 -I$(GEN)
ASAN_LIBS := -lcmocka -luv -lcap -linih -lseccomp -lnl-3 -ljansson
ASAN_OBJ  := $(patsubst %.c,$(ASAN)/%.o,$(COMMON_SRC) $(INIT_SRC) $(LAUNCH_SRC))
ASAN_UNIT := $(patsubst tests/unit/%.c,$(ASAN)/tests/%,$(UNIT_SRC)) $(ASAN)/tests/cgroup_driver
ASAN_ENV  := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:log_path=$(CURDIR)/$(ASAN)/reports/asan \
             UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(CURDIR)/$(ASAN)/reports/ubsan \
             LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0
$(ASAN)/%.o: %.c $(GEN)/seccomp_prebuilt.h | $(APT_STAMP)
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@

$(ASAN)/libbox.a: $(ASAN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(ASAN)/launch: $(ASAN)/launcher/main.o $(ASAN)/libbox.a
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $^ $(ASAN_LIBS)

$(ASAN)/box: $(ASAN)/oci/main.o $(ASAN)/libbox.a
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $^ $(ASAN_LIBS)

$(ASAN)/tests/%: tests/unit/%.c $(ASAN)/libbox.a
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_CFLAGS) -o $@ $< $(ASAN)/libbox.a $(ASAN_LIBS)

# The static binaries the suites need next to the asan launch (copies, not links: launch
# bind-mounts boxinit from beside itself).
$(ASAN)/boxinit $(ASAN)/probe $(ASAN)/attack $(ASAN)/allowed: $(ASAN)/%: $(BUILD)/%
	@mkdir -p $(@D)
	cp $< $@

asan: $(ASAN)/launch $(ASAN)/box $(ASAN)/boxinit $(ASAN)/probe $(ASAN)/attack $(ASAN)/allowed \
      $(ASAN_UNIT) $(MAN)
	@ln -sfn ../man $(ASAN)/man

check-asan: asan
	rm -rf $(ASAN)/reports && mkdir -p $(ASAN)/reports
	$(ASAN_ENV) BOX_BUILD=$(CURDIR)/$(ASAN) tests/run.sh unit $(or $(ASAN_SUITES),launch); rc=$$?; \
	if [ -n "$$(ls -A $(ASAN)/reports)" ]; then \
		for f in $(ASAN)/reports/*; do echo "=== $$f"; cat "$$f"; done; \
		echo "check-asan: sanitizer reports in $(ASAN)/reports"; exit 1; \
	fi; exit $$rc

# --- lint ----------------------------------------------------------------------
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
# clang-tidy: one file per process, as many at once as there are cores; the flags are the
# host build's (no compile_commands.json needed). The seccomp table's generated header first.
TIDY_SRC   = $(wildcard common/*.c init/*.c core/*.c launcher/*.c oci/*.c)
TIDY_FLAGS = -std=gnu11 -D_GNU_SOURCE -DBOX_VERSION='"lint"' -Icommon -Iinit -Icore -Ilauncher \
             -Ioci -I/usr/include/libnl3 -I$(GEN)
lint: $(GEN)/seccomp_prebuilt.h
	clang-format --dry-run --Werror $(C_FILES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE \
		-Icommon -Iinit -Icore -Ilauncher -Ioci common init core launcher oci fuzz tests/probe \
		tests/security
	@echo 'lint: clang-tidy (checks and why: .clang-tidy)'
	@# Findings go to stdout; stderr has only clang-tidy's "N warnings generated" counts of
	@# what the checks and header filter leave out.
	@printf '%s\n' $(TIDY_SRC) | xargs -P$$(nproc) -I{} clang-tidy --quiet {} -- $(TIDY_FLAGS) \
		2>/dev/null
	@if grep -rn 'uv_spawn' init/; then echo 'lint: init/ must not call uv_spawn'; exit 1; fi
	@if grep -rnE '"[^"]*%[-0-9.*]*[lL]?[fFeEgGaA]' init/ common/; then \
		echo 'lint: no floating-point formats in init/ and common/ (common/fmt.c has none)'; exit 1; fi
	@if grep -rlE '\b(waitpid|waitid|wait3|wait4|wait)\s*\(' init/ | grep -v '^init/reaper.c$$'; then \
		echo 'lint: only init/reaper.c may wait for children'; exit 1; fi
	@if grep -rnE '^\s*return [a-z_]+\(.*\), *-?[A-Za-z0-9_]+;$$' common core init launcher oci || \
	    grep -rnE -A1 '^\s*return [a-z_]+\(.*\),$$' common core init launcher oci \
		| grep -E '^[^:]*-[0-9]+-\s*-?[A-Za-z0-9_]+;$$'; then \
		echo 'lint: no comma-operator returns ("return f(), X;"): two statements'; exit 1; fi
	@if grep -rnE '[^_]strerror\(' common core init launcher oci | grep -E 'log_(error|warn|debug)\('; then \
		echo 'lint: log_errno, log_warn_errno or log_debug_errno, not strerror() in a message'; exit 1; fi
	@# Comment lines do not count ("wait (up to 30 s)" is prose).
	@if grep -rnE '\b(waitpid|waitid|wait3|wait4|wait)\s*\(' launcher/ core/ oci/ common/ | \
		grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)' | cut -d: -f1 | sort -u | \
		grep -v '^core/waiter.c$$'; then \
		echo 'lint: only core/waiter.c may wait for children in launch and box'; exit 1; fi
	@echo 'lint: ok'

format:
	clang-format -i $(C_FILES)

# --- man pages, install ------------------------------------------------------------------
# scdoc (Debian's) turns doc/*.scd into roff; tests/launch/test_docs.sh checks that every
# option of --help is in the page and the other way round.
man: $(MAN)
$(BUILD)/man/%: doc/%.scd | $(DEPS)/.done
	@mkdir -p $(@D)
	scdoc <$< >$@

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(DESTDIR)$(PREFIX)/bin
MANDIR     := $(DESTDIR)$(PREFIX)/share/man
COMPDIR    := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
# launch finds boxinit next to itself: both go to bin.
INSTALLED  := $(BINDIR)/launch $(BINDIR)/boxinit $(BINDIR)/box $(MANDIR)/man1/launch.1 \
              $(MANDIR)/man8/box.8 \
              $(MANDIR)/man8/boxinit.8 $(MANDIR)/man5/boxinit.conf.5 $(COMPDIR)/launch
install: $(BUILD)/launch $(BUILD)/boxinit $(BUILD)/box $(MAN)
	install -D -m 0755 $(BUILD)/launch $(BINDIR)/launch
	install -D -m 0755 $(BUILD)/box $(BINDIR)/box
	install -D -m 0644 $(BUILD)/man/box.8 $(MANDIR)/man8/box.8
	install -D -m 0755 $(BUILD)/boxinit $(BINDIR)/boxinit
	install -D -m 0644 $(BUILD)/man/launch.1 $(MANDIR)/man1/launch.1
	install -D -m 0644 $(BUILD)/man/boxinit.8 $(MANDIR)/man8/boxinit.8
	install -D -m 0644 $(BUILD)/man/boxinit.conf.5 $(MANDIR)/man5/boxinit.conf.5
	install -D -m 0644 tools/launch.bash-completion $(COMPDIR)/launch

uninstall:
	rm -f $(INSTALLED)

# --- bench, rootfs, demo ---------------------------------------------------------------
# podman and conmon are in APT_PACKAGES now (tests/oci drives them); kept for an older stamp.
BENCH_PACKAGES := podman conmon
bench: all
	@command -v podman >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $(BENCH_PACKAGES)
	bench/run.sh
	bench/services.sh
	bench/manage.sh
	bench/oci.sh
	bench/layers.sh

# Where a start's time goes, part by part (an ftrace instance of its own; not in bench).
bench-breakdown: all
	bench/breakdown.sh

# How costs grow from 50 to 500 containers (minutes; not in bench): gnuplot draws the curves;
# then what 500 containers' forwarding tables cost the host's own traffic.
bench-scale: all
	@command -v gnuplot >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends gnuplot-nox
	bench/scale.sh
	bench/nathooks.sh

# Debian rootfs with nginx for the demo and the nginx test (cached; skipped when up to date).
rootfs:
	rootfs/debian.sh rootfs/debian --include nginx

demo:
	tools/demo.sh

clean:
	rm -rf $(BUILD)/musl $(BUILD)/host $(BUILD)/fuzz $(BUILD)/tests $(BUILD)/boxinit $(BUILD)/launch $(BUILD)/box $(BUILD)/probe \
		$(BUILD)/attack $(BUILD)/allowed $(BUILD)/holdfork $(BUILD)/man $(ASAN)

distclean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/musl $(BUILD)/host $(BUILD)/fuzz $(BUILD)/asan -name '*.d' -type f 2>/dev/null)
