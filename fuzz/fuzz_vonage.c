/*
 * fuzz_vonage.c: Vonage inbound, query, form or JSON, parts (/sms/vonage), through the handler; the input's layout is in
 * common.c.
 */
#include "fuzz.h"

static struct config	*confs[2];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_provider_confs(confs);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_handle_request(confs, "/sms/vonage", data, size);
}
