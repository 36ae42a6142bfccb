/*
 * fuzz_control.c: requests on the control socket (daemon/control.c), as
 * papictl or anyone who can connect sends them: one JSON line each,
 * parsed, looked up among the daemon's commands, checked against the
 * caller's role, its arguments read by cmd.c's readers.  The commands
 * themselves are stand-ins that read the arguments the real ones read,
 * without a store.  Each input is one connection: it is sent, the
 * writing side shut, and every answer read until the daemon closes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"
#include "base/slot.h"
#include "base/util.h"
#include "conf/config.h"
#include "daemon/cmd.h"
#include "daemon/control.h"
#include "daemon/services.h"

static struct control_cmd	*cmds;
static struct sockaddr_un	 sun;
static struct services		 svc;

/* Reads what the real commands read, and answers with it. */
static int
stand_in(struct control_req *req)
{
	int64_t		 n;
	const char	*s;

	if (cmd_arg_int(req, "limit", 50, 1, 100000, &n) == -1 ||
	    cmd_arg_int(req, "id", 0, 1, INT64_MAX, &n) == -1)
		return -1;
	if (json_object_get(req->args, "ref") != NULL &&
	    cmd_arg_ref(req) == 0)
		return -1;
	if ((s = cmd_arg_text(req, "text", 1600, 0)) == NULL &&
	    req->err != CONTROL_E_OK)
		return -1;
	cmd_arg_bool(req, "failed");
	s = cmd_arg_str(req, "category");
	req->data = json_pack("{s:s}", "category", s != NULL ? s : "");
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct config	*conf;
	char		 dir[] = "/tmp/papigw-fuzz-ctl-XXXXXX", err[512];
	char		 text[512];
	size_t		 i;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(text, sizeof(text), "ward = { name = \"W\"; };\n"
	    "control = { socket = \"%s/control.sock\"; max_clients = 4; };",
	    dir);
	conf = fuzz_config(text);
	cmds = xcalloc(cmd_ncommands, sizeof(*cmds));
	for (i = 0; i < cmd_ncommands; i++) {
		cmds[i] = cmd_table[i];
		cmds[i].run = stand_in;
	}
	svc.confs = conf_slot_new(conf);
	if (control_start(cmds, cmd_ncommands, &svc, conf, err,
	    sizeof(err)) == NULL) {
		fprintf(stderr, "fuzz: control: %s\n", err);
		exit(1);
	}
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/control.sock", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	buf[8192];
	int	fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("fuzz: control socket");
		abort();
	}
	if ((size == 0 || write(fd, data, size) == (ssize_t)size) &&
	    write(fd, "\n", 1) == 1)
		shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}
