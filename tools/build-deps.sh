#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the static musl libraries boxinit and launch link with (libuv, libcap,
# inih; libseccomp, libnl-3 and jansson for launch) from Debian's own source packages, into
# PREFIX (build/deps). Debian ships no musl builds of them. Runs once: the Makefile
# skips it when PREFIX/.done exists.
set -euo pipefail

prefix=$(realpath -m "${1:?usage: build-deps.sh PREFIX}")
work="$prefix/src"
rm -rf "$prefix"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache" "$work/apt/sources.list.d" \
	"$prefix/include" "$prefix/lib"

# A private apt directory with deb-src entries for the archive the host's apt uses
# (tools/mirror.sh), so the host's apt setup is left as it is. The security archive keeps
# no sources for older point releases, so only the main suites are used.
mirror=$("$(dirname "$0")/mirror.sh" archive)
printf '%s\n' 'Types: deb-src' "URIs: $mirror" 'Suites: bookworm bookworm-updates' 'Components: main' \
	'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$work/apt/sources.list.d/src.sources"
# The archive no longer holds libinih 55's tarballs (bookworm's .dsc is listed,
# its orig.tar.gz answers 404): inih alone comes from the next release's
# sources, asked for by name (libinih/trixie) so libuv and libcap stay bookworm's.
printf '%s\n' 'Types: deb-src' "URIs: $mirror" 'Suites: trixie' 'Components: main' \
	'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$work/apt/sources.list.d/inih.sources"
apt_opts=(-q -o "Dir::Etc::SourceParts=$work/apt/sources.list.d"
	-o Dir::Etc::SourceList=/dev/null
	-o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
	-o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
cd "$work"
apt-get "${apt_opts[@]}" source --only-source libuv1/bookworm libcap2/bookworm \
	libseccomp/bookworm libnl3/bookworm jansson/bookworm >/dev/null
apt-get "${apt_opts[@]}" source --only-source libinih/bookworm >/dev/null 2>&1 ||
	apt-get "${apt_opts[@]}" source --only-source libinih/trixie >/dev/null

export CC=musl-gcc
cflags="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"

# musl-gcc searches only musl's include dir; the kernel UAPI headers that
# libuv and libcap include must be copied next to it.
for d in linux asm-generic; do cp -a "/usr/include/$d" "$prefix/include/"; done
cp -a "/usr/include/$(gcc -print-multiarch)/asm" "$prefix/include/"

# libuv: cmake only (the Debian tarball has no configure script).
uvdir=$(find "$work" -maxdepth 1 -type d -name 'libuv1-*' | head -n1)
cmake -S "$uvdir" -B "$work/uv-build" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_C_COMPILER=musl-gcc -DCMAKE_C_FLAGS="$cflags -I$prefix/include" \
	-DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF >/dev/null
cmake --build "$work/uv-build" --target uv_a -j"$(nproc)" >/dev/null
cp "$work/uv-build/libuv_a.a" "$prefix/lib/libuv.a"
cp -a "$uvdir/include/." "$prefix/include/"

# libcap: only the static library; BUILD_CC builds its generator tools.
capdir=$(find "$work" -maxdepth 1 -type d -name 'libcap2-*' | head -n1)
make -s -C "$capdir/libcap" CC=musl-gcc BUILD_CC=gcc \
	COPTS="$cflags -I$prefix/include" libcap.a >/dev/null
cp "$capdir/libcap/libcap.a" "$prefix/lib/"
mkdir -p "$prefix/include/sys"
cp "$capdir/libcap/include/sys/capability.h" "$prefix/include/sys/"

# inih: one C file (upstream's meson build only wraps it). The options are
# Debian's (its patches make them run-time variables, and its build passes the
# line number to the handler), so the musl library and the host's libinih-dev
# behave alike.
inihdir=$(find "$work" -maxdepth 1 -type d -name 'libinih-*' | head -n1)
musl-gcc $cflags -DINI_HANDLER_LINENO=1 -c "$inihdir/ini.c" -o "$work/ini.o"
ar rcs "$prefix/lib/libinih.a" "$work/ini.o"
cp "$inihdir/ini.h" "$prefix/include/"

# libseccomp (launch builds its filters with it): autotools, the library only.
# Its configure needs gperf.
seccompdir=$(find "$work" -maxdepth 1 -type d -name 'libseccomp-*' | head -n1)
(cd "$seccompdir" && ./configure -q --host="$(gcc -dumpmachine)" --enable-static --disable-shared \
	CC=musl-gcc CFLAGS="$cflags -I$prefix/include" >/dev/null)
make -s -C "$seccompdir/src" libseccomp.la >/dev/null
cp "$seccompdir/src/.libs/libseccomp.a" "$prefix/lib/"
cp "$seccompdir/include/seccomp.h" "$seccompdir/include/seccomp-syscalls.h" "$prefix/include/"

# libnl-3 (launch's netlink): the core library only, not route, genl or the tools.
# Its configure wants flex and bison, which only the libraries not built here use.
nldir=$(find "$work" -maxdepth 1 -type d -name 'libnl3-*' | head -n1)
# Debian's patches touch Makefile.am: the symbol versions of the shared libraries and
# the directory of libnl-route's configuration files, neither of which the core library
# built here has. So the shipped generated files stay: dated after the patches, they
# are not remade (which would need automake).
touch "$nldir/aclocal.m4"
touch "$nldir/configure" "$nldir/Makefile.in" "$nldir/lib/defs.h.in"
(cd "$nldir" && ./configure -q --host="$(gcc -dumpmachine)" --enable-static --disable-shared \
	--disable-cli --disable-debug CC=musl-gcc CFLAGS="$cflags -I$prefix/include" >/dev/null)
make -s -C "$nldir" lib/libnl-3.la >/dev/null
cp "$nldir/lib/.libs/libnl-3.a" "$prefix/lib/"
mkdir -p "$prefix/include/netlink"
cp -a "$nldir/include/netlink/." "$prefix/include/netlink/"

# jansson (the container state, JSON in and out): cmake, the static library only.
janssondir=$(find "$work" -maxdepth 1 -type d -name 'jansson-*' | head -n1)
cmake -S "$janssondir" -B "$work/jansson-build" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_C_COMPILER=musl-gcc -DCMAKE_C_FLAGS="$cflags -I$prefix/include" \
	-DJANSSON_BUILD_SHARED_LIBS=OFF -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF \
	-DJANSSON_WITHOUT_TESTS=ON >/dev/null
cmake --build "$work/jansson-build" -j"$(nproc)" >/dev/null
cp "$work/jansson-build/lib/libjansson.a" "$prefix/lib/"
cp "$work/jansson-build/include/jansson.h" "$work/jansson-build/include/jansson_config.h" \
	"$prefix/include/"

touch "$prefix/.done"
echo "build-deps: libuv, libcap, inih, libseccomp, libnl-3 and jansson for musl in $prefix"
