/*
 * backup.c: a consistent copy of the database while the daemon runs
 * (papictl backup).
 *
 * SQLite's online backup API copies the database from a read-only
 * connection of its own, in one step: one read transaction, so the copy
 * is the database as of one commit, and in WAL mode the writer goes on
 * meanwhile (the log only grows until the copy is done).  The copy is
 * written into a temporary file beside the database (the state
 * directory, which the daemon may write), checked with PRAGMA
 * quick_check, then copied into the file the caller handed over (papictl
 * passes an open file: the daemon need not see, nor be allowed to open,
 * the administrator's path) and synced; the temporary file is removed
 * whatever happens.  It needs free space for one more copy of the
 * database beside it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "base/util.h"
#include "store/store_priv.h"

/* Copies the database into the file at tmp; 0, or -1 with err. */
static int
copy_db(struct store *st, const char *tmp, char *err, size_t errsz)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	int		 rc = SQLITE_ERROR;

	if (sqlite3_open_v2(store_path(st), &src, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "open: %s", sqlite3_errmsg(src));
		goto done;
	}
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "open: %s", sqlite3_errmsg(dst));
		goto done;
	}
	sqlite3_busy_timeout(src, STORE_BUSY_TIMEOUT_DEFAULT);
	/* The caller's file is synced once, at the end. */
	sqlite3_exec(dst, "PRAGMA journal_mode = OFF; PRAGMA synchronous = "
	    "OFF", NULL, NULL, NULL);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(err, errsz, "backup: %s", sqlite3_errmsg(dst));
		goto done;
	}
	/* One step: the copy of one moment, whatever the writer does. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "backup: %s", sqlite3_errstr(rc));
		goto done;
	}
	rc = SQLITE_OK;
done:
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

/* PRAGMA quick_check on the copy at tmp; 0, or -1 with err. */
static int
check_db(const char *tmp, char *err, size_t errsz)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	const char	*r;
	int		 ok = -1;

	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(s, 0);
		if (r != NULL && strcmp(r, "ok") == 0)
			ok = 0;
		else
			snprintf(err, errsz, "the copy fails its check: %s",
			    r != NULL ? r : "?");
	} else
		snprintf(err, errsz, "the copy cannot be checked: %s",
		    sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ok;
}

/* Copies the file at tmp into fd and syncs it; bytes, or -1 with err. */
static int64_t
copy_out(const char *tmp, int fd, char *err, size_t errsz)
{
	char	 buf[65536];
	ssize_t	 n, w;
	int64_t	 total = 0;
	int	 in;

	if ((in = open(tmp, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) == -1 || ftruncate(fd, 0) == -1)
		goto fail;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (w = 0; w < n; ) {
			ssize_t k = write(fd, buf + w, (size_t)(n - w));

			if (k == -1 && errno == EINTR)
				continue;
			if (k == -1)
				goto fail;
			w += k;
			total += k;
		}
	if (n == -1 || fsync(fd) == -1)
		goto fail;
	close(in);
	return total;
fail:
	snprintf(err, errsz, "writing the copy: %s", strerror(errno));
	close(in);
	return -1;
}

/*
 * Writes a consistent copy of the store's database into fd (an open
 * regular file, which it truncates first) and syncs it.  Sets *bytes to
 * its size.  Returns 0, or -1 with the reason in err.  Blocks for as long
 * as the copy takes: call it from a thread that may wait.
 */
int
store_backup(struct store *st, int fd, int64_t *bytes, char *err,
    size_t errsz)
{
	struct stat	sb;
	char		tmp[PATH_MAX];
	int64_t		n;
	int		tfd, r = -1;

	*bytes = 0;
	if (store_path(st) == NULL) {
		snprintf(err, errsz, "the store is on PostgreSQL: back it up "
		    "with pg_dump or a base backup");
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "the file handed over is not a regular "
		    "file");
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.backup-XXXXXX", store_path(st)) >=
	    (int)sizeof(tmp) || (tfd = mkstemp(tmp)) == -1) {
		snprintf(err, errsz, "a temporary file beside %s: %s",
		    store_path(st), strerror(errno));
		return -1;
	}
	close(tfd);
	if (copy_db(st, tmp, err, errsz) == 0 &&
	    check_db(tmp, err, errsz) == 0 &&
	    (n = copy_out(tmp, fd, err, errsz)) >= 0) {
		*bytes = n;
		r = 0;
	}
	unlink(tmp);
	return r;
}
