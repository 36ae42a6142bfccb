/*
 * fuzz_control.c: requests on the control socket (daemon/control.c), as
 * papictl or anyone who can connect sends them: one JSON line each,
 * parsed, looked up among the daemon's commands, checked against the
 * caller's role, and run by the real commands (daemon/cmd*.c) on a real
 * gateway started in this process: its store (SQLite, in a temporary
 * directory, not synced at each commit), outbox, audit log and HTTP listener on a port of
 * 127.0.0.1 that the kernel had free.  The fuzzer runs as root, so every
 * command is open to it; the store keeps what earlier inputs did (cases
 * injected, closed, merged...), as a daemon's does.  Each input is one
 * connection: it is sent, the writing side shut, and every answer read
 * until the daemon closes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <ftw.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "conf/config.h"
#include "daemon/gateway.h"

static struct sockaddr_un	 sun;
static char			 dir[] = "/tmp/papigw-fuzz-ctl-XXXXXX";

static int
remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The gateway's directory goes at exit, its store with it. */
static void
remove_dir(void)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A TCP port of 127.0.0.1 free now, for the gateway's HTTP listener. */
static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1 &&
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	if (fd != -1)
		close(fd);
	if (port == -1) {
		perror("fuzz: a free port");
		exit(1);
	}
	return port;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct config	*conf;
	char		 err[512], text[1024];

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(remove_dir);
	snprintf(text, sizeof(text), "ward = { name = \"W\"; };\n"
	    "storage = { path = \"%s/papigw.db\"; synchronous = \"normal\"; "
	    "};\n"
	    "http = { listen = \"127.0.0.1:%d\"; };\n"
	    "audit = { key_file = \"%s/audit.key\"; };\n"
	    "control = { socket = \"%s/control.sock\"; max_clients = 4; };",
	    dir, free_port(), dir, dir);
	conf = fuzz_config(text);
	if (gateway_start(conf, err, sizeof(err)) == NULL) {
		fprintf(stderr, "fuzz: gateway: %s\n", err);
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
