// SPDX-License-Identifier: MIT
/*
 * Fuzzes the number, size, duration, signal and id parsers (common/util.c, launcher/config.c,
 * core/cgroup.c, init/svcconf.c) with the same string each, and checks sizes and durations
 * against a wide (128-bit) reading of the digits, so a value that wrapped around is caught.
 */
#include <ctype.h>

#include "cgroup.h"
#include "config.h"
#include "fuzz.h"
#include "svcconf.h"
#include "util.h"

typedef unsigned __int128 u128;

/* The leading decimal digits of s, saturated far above 2^64; *end after them. */
static u128 wide_digits(const char *s, const char **end)
{
	u128 v = 0;

	for (; isdigit((unsigned char)*s); s++)
		if (v < ((u128)1 << 100))
			v = v * 10 + (u128)(*s - '0');
	*end = s;
	return v;
}

static void check_size(const char *s)
{
	static const char units[] = "kmgt";
	const char *end, *u;
	uint64_t v;
	u128 want;

	if (parse_size(s, &v) < 0)
		return;
	want = wide_digits(s, &end);
	u = *end ? strchr(units, tolower((unsigned char)*end)) : NULL;
	if (u)
		want <<= 10 * (unsigned)(u - units + 1);
	if (want != v)
		abort();
}

static void check_duration(const char *s)
{
	const char *end;
	uint64_t ms;
	u128 want;

	if (parse_duration_ms(s, &ms) < 0)
		return;
	want = wide_digits(s, &end) * 1000;
	/* Tenths, hundredths and thousandths; finer digits are dropped. */
	if (*end == '.')
		for (unsigned i = 1, scale = 100; i <= 3 && isdigit((unsigned char)end[i]);
		     i++, scale /= 10)
			want += (u128)(end[i] - '0') * scale;
	if (want != ms)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct userns_config userns;
	uid_t uid;
	gid_t gid;
	uint64_t u;
	int i;

	if (!s)
		return 0;
	(void)parse_u64(s, &u);
	(void)parse_int(s, 1, 65535, &i);
	(void)parse_int(s, -1000, 1000, &i);
	check_size(s);
	check_duration(s);
	(void)signal_parse(s);
	(void)svcconf_parse_signal(s);
	(void)config_parse_weight(s, &u);
	(void)parse_user_ids(s, &uid, &gid);
	if (config_parse_userns(s, &userns) == 0 && userns.mode == USERNS_RANGE &&
	    (uint64_t)userns.host_id + userns.count > UINT32_MAX)
		abort();
	(void)cgroup_cpus_to_quota(s, 100000, &u);
	free(s);
	return 0;
}
