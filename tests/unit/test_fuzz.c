/* test_fuzz.c - replays the fuzz seeds (tests/fuzz/corpus/) through the fuzz
 * targets, each with a few hundred deterministic mutations (byte flips,
 * truncations, insertions, repeats), so `make test` runs the parsers on
 * hostile input under ASan + UBSan without clang.  tests/fuzz/run.sh is the
 * real libFuzzer run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/targets.h"

#define MUTATIONS 80

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* One mutation of seed (n bytes) into out (room for 2n + 16). */
static size_t mutate(const uint8_t *seed, size_t n, uint8_t *out)
{
	size_t m = n, at = n ? next() % n : 0;

	memcpy(out, seed, n);
	switch (next() % 5) {
	case 0:             /* flip bits of a few bytes */
		for (int i = 0; i < 4 && n; i++)
			out[next() % n] ^= (uint8_t)(1u << (next() % 8));
		break;
	case 1:             /* truncate */
		m = at;
		break;
	case 2:             /* insert a byte that means something to the parsers */
	{
		static const char special[] = "\n\r\t =:[]#;'\"\\*.-\0\x30\x82\xff";
		memmove(out + at + 1, out + at, n - at);
		out[at] = (uint8_t)special[next() % (sizeof(special) - 1)];
		m = n + 1;
		break;
	}
	case 3:             /* repeat a chunk */
	{
		size_t len = n - at < 64 ? n - at : 64;

		memcpy(out + n, seed + at, len);
		m = n + len;
		break;
	}
	default:            /* overwrite a byte with anything */
		if (n)
			out[at] = (uint8_t)next();
		break;
	}
	return m;
}

static size_t replay(const char *dir, int (*target)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t seeds = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		uint8_t *seed, *buf;
		long n;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		seed = malloc((size_t)n + 1);
		buf = malloc(2 * (size_t)n + 16);
		assert_int_equal(fread(seed, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		target(seed, (size_t)n);
		for (int i = 0; i < MUTATIONS; i++)
			target(buf, mutate(seed, (size_t)n, buf));
		free(seed);
		free(buf);
		seeds++;
	}
	closedir(d);
	return seeds;
}

static void test_cert_seeds(void **state)
{
	(void)state;
	assert_true(replay("../fuzz/corpus/cert", fuzz_cert) >= 4);
}

static void test_aws_seeds(void **state)
{
	(void)state;
	assert_true(replay("../fuzz/corpus/aws", fuzz_aws) >= 4);
}

/* The seeds are what they claim to be: a certificate parses, the config has its profile. */
static void test_seeds_are_meaningful(void **state)
{
	struct ml7_cert_report *r;
	struct ml7_cert_opts o = {0};
	struct ml7_err err;
	cJSON *j;
	char buf[4096];
	size_t n;
	FILE *f;

	(void)state;
	f = fopen("../fuzz/corpus/cert/leaf.pem", "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	o.cert = buf;
	o.cert_len = n;
	o.host = "x.seed.example.com";
	assert_int_equal(ml7_cert_check(&o, &r, &err), 0);
	assert_int_equal(r->results[0].status, ML7_CERT_OK);
	assert_int_equal(r->sans.n, 2);
	ml7_cert_report_free(r);
	f = fopen("../fuzz/corpus/aws/config", "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(ml7_aws_ini_parse(buf, n, &j, &err), 0);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "profile dev"));
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds_are_meaningful),
		cmocka_unit_test(test_cert_seeds),
		cmocka_unit_test(test_aws_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
