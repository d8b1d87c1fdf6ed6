/* fuzz_cert.c - libFuzzer target: certificate/key/chain parsing and checks. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cert(data, size);
}
