#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the static musl libraries boxinit links with (libuv, libcap) from
# Debian's own source packages, into PREFIX (build/deps). Debian ships no musl
# builds of them. Runs once: the Makefile skips it when PREFIX/.done exists.
set -euo pipefail

prefix=$(realpath -m "${1:?usage: build-deps.sh PREFIX}")
work="$prefix/src"
rm -rf "$prefix"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache" "$work/apt/sources.list.d" \
	"$prefix/include" "$prefix/lib"

# A private apt directory with deb-src entries, so the host's apt setup is
# left as it is. The security archive keeps no sources for older point
# releases, so only the main suites are used.
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/debian-security/' \
	/etc/apt/sources.list.d/debian.sources |
	sed 's/^Types: deb$/Types: deb-src/' >"$work/apt/sources.list.d/src.sources"
apt_opts=(-q -o "Dir::Etc::SourceParts=$work/apt/sources.list.d"
	-o Dir::Etc::SourceList=/dev/null
	-o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
	-o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
cd "$work"
apt-get "${apt_opts[@]}" source --only-source libuv1 libcap2 >/dev/null

export CC=musl-gcc
cflags="-Os -ffunction-sections -fdata-sections -fPIC"

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

touch "$prefix/.done"
echo "build-deps: libuv and libcap for musl in $prefix"
