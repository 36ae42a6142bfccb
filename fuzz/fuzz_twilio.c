/*
 * fuzz_twilio.c: Twilio's inbound webhook (POST /sms/twilio), through the
 * handler (whose file starts libFuzzer for it); the input's layout is in
 * common.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_handle_request("/sms/twilio", data, size);
}
