/*
 * handler.c: an HTTP request from the fuzzer's input handed to the real
 * handlers of the providers and of USSD, for their fuzz targets.
 *
 * An input is a flag byte, then the query string, a newline, a line of
 * headers ("Name:value", separated by tabs), a newline, and the body.
 * The flags: bit 0 POST (else GET), bit 1 a form body, bits 2-3 what the
 * fake store answers (committed, a duplicate, full, busy), bit 4 the
 * signed configuration (a Twilio token, a Vonage signature secret, Basic
 * and secret parameters on the others) instead of the open one, bits 5-7
 * the channel a delivery report goes to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "conf/config.h"
#include "core/metrics.h"
#include "chan/providers.h"
#include "chan/ussd.h"
#include "store/store.h"

/* What fake_ingest.c answers, from the input's flags. */
enum store_status fuzz_status = STORE_OK;

/* Channels of every type, with USSD on "at"; open or signed. */
#define CONF_COMMON							\
	"ward = { name = \"UBND Phuong 7\"; hotline = \"1022\"; };\n"	\
	"storage = { path = \"/nonexistent/papigw.db\"; };\n"		\
	"topics = ( { id = \"reception\"; text_vi = \"Thu Ba.\";\n"	\
	"    ussd = \"Tiep cong dan: sang thu Ba.\"; } );\n"		\
	"ussd = { enabled = true; service_code = \"*123#\";\n"		\
	"    channel = \"at\"; };\n"

static const char conf_open[] = CONF_COMMON
	"channels = (\n"
	"  { name = \"gen\"; type = \"generic\"; number = \"8089\"; },\n"
	"  { name = \"at\"; type = \"africastalking\"; number = \"8088\"; },\n"
	"  { name = \"tw\"; type = \"twilio\"; number = \"+842800000001\"; },\n"
	"  { name = \"vo\"; type = \"vonage\"; number = \"842800000002\"; }\n"
	");";

static const char conf_signed[] = CONF_COMMON
	"channels = (\n"
	"  { name = \"gen\"; type = \"generic\"; number = \"8089\";\n"
	"    auth = \"basic\"; auth_secret = \"g&s:cret\"; },\n"
	"  { name = \"at\"; type = \"africastalking\"; number = \"8088\";\n"
	"    auth = \"secret\"; auth_secret = \"at-s3cret\"; },\n"
	"  { name = \"tw\"; type = \"twilio\"; number = \"+842800000001\";\n"
	"    token = \"twtoken\";\n"
	"    public_url = \"http://127.0.0.1:8080/sms/twilio\"; },\n"
	"  { name = \"vo\"; type = \"vonage\"; number = \"842800000002\";\n"
	"    signature_secret = \"vsecret\"; }\n"
	");";

/* The two configurations every handler's target runs under. */
static struct config	*confs[2];

/*
 * libFuzzer's start for every handler's target (each fuzz_NAME.c of a
 * handler has only LLVMFuzzerTestOneInput, naming its path).
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	confs[0] = fuzz_config(conf_open);
	confs[1] = fuzz_config(conf_signed);
	return 0;
}

/*
 * An empty store of its own, for what USSD looks up (a case by its
 * reference); nothing is written to it.
 */
static struct store *
lookup_store(void)
{
	struct store_options	 so;
	struct store		*st;
	char			 dir[] = "/tmp/papigw-fuzz-ussd-XXXXXX";
	char			 path[64], err[STORE_ERR_MAX];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/papigw.db", dir);
	memset(&so, 0, sizeof(so));
	so.path = path;
	if ((st = store_open(&so, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz: %s\n", err);
		exit(1);
	}
	return st;
}

static const enum store_status statuses[4] = {
	STORE_OK, STORE_DUPLICATE, STORE_FULL, STORE_BUSY
};

/* Adds the headers of line ("A:1\tB:2"). */
static void
add_headers(struct http_req *r, char *line)
{
	static const char *const names[] = {
		"X-Twilio-Signature", "Authorization", "Content-Type",
		"X-Forwarded-For", NULL
	};
	char	*h, *v;
	size_t	 i;

	while ((h = strsep(&line, "\t")) != NULL) {
		if ((v = strchr(h, ':')) == NULL)
			continue;
		*v++ = '\0';
		/* The names handlers read, spelt as the fuzzer likes. */
		for (i = 0; names[i] != NULL; i++)
			if (strcasecmp(h, names[i]) == 0)
				fuzz_req_header(r, names[i], v);
	}
}

/*
 * Hands the request of data (see the top of this file) to the handler of
 * path ("/dlr/" gets a channel name from the flags) under conf[0] (open)
 * or conf[1] (signed).  Aborts when the handler leaves it unanswered.
 */
int
fuzz_handle_request(const char *path, const uint8_t *data, size_t size)
{
	static struct metrics	*metrics;
	static struct ussd	*ussd;
	struct providers	 pv;
	struct http_req		*r;
	struct config		*conf;
	char			*in, *q, *hl, *body, full[64];
	int			 flags, status;

	if (size < 1)
		return 0;
	if (metrics == NULL) {
		metrics = metrics_new();
		ussd = ussd_new(NULL, lookup_store());
	}
	flags = data[0];
	conf = confs[(flags >> 4) & 1];
	fuzz_status = statuses[(flags >> 2) & 3];
	if (strcmp(path, "/dlr/") == 0 && conf->nchannels > 0) {
		snprintf(full, sizeof(full), "/dlr/%s",
		    conf->channels[((flags >> 5) & 7) % conf->nchannels].name);
		path = full;
	}
	in = fuzz_strndup(data + 1, size - 1);
	q = in;
	if ((hl = memchr(in, '\n', size - 1)) != NULL)
		*hl++ = '\0';
	body = NULL;
	if (hl != NULL && (body = memchr(hl, '\n', size - 1 -
	    (size_t)(hl - in))) != NULL)
		*body++ = '\0';
	r = fuzz_req_new(flags & 1 ? "POST" : "GET", path, q, strlen(q),
	    body != NULL ? body : "", body != NULL ? size - 1 -
	    (size_t)(body - in) : 0, flags & 2);
	if (hl != NULL)
		add_headers(r, hl);
	memset(&pv, 0, sizeof(pv));
	pv.metrics = metrics;
	if (strncmp(path, "/ussd/", 6) == 0)
		ussd_handle(ussd, conf, r);
	else
		providers_handle(&pv, conf, r);
	status = fuzz_req_end(r);
	free(in);
	if (status == 0)
		abort();
	return 0;
}
