/* fuzz_aws.c - libFuzzer target: AWS config files, credential_process, ARNs. */
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_aws(data, size);
}
