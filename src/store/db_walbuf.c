/*
 * db_walbuf.c: a SQLite VFS, "papigw-walbuf", that lays over the default
 * one and gathers the writes of a commit to the WAL into one pwrite()
 * (DB_WALBUF, for the writer's connection).
 *
 * SQLite writes each frame of a commit to the WAL with two calls, its
 * 24-byte header and its page: at 16 connections a batch of a few
 * messages writes tens of frames, and those system calls were 28 % of the
 * writer thread's time (perf, bench/ingest).  Here the writes that follow
 * each other in a WAL file are kept in a buffer and written at once when
 * the commit's last frame is written: the frame whose header carries the
 * database's size in pages (nonzero only in a commit frame, SQLite's WAL
 * format).  That write returns the error of the whole, so a commit whose
 * frames could not be written fails as it would have failed without the
 * buffer, before SQLite makes it visible (the wal-index header, which it
 * writes after the frames).  Any other call on the file (a read, a sync,
 * its size, a truncation, closing it), a write elsewhere in the file, or
 * a full buffer writes the buffer out first.  Frames written before a
 * commit's (a transaction's pages spilled from the cache) are read by
 * nobody else until that commit, which writes them all.
 *
 * Files that are not a WAL (the database, journals) go to the default
 * VFS unchanged, and so does every other call.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/db.h"

/*
 * Writes gathered at most before they go to the file: the default VFS
 * writes less than 128 KB in one call (unixWrite() keeps the low 17 bits
 * of the length).
 */
#define WALBUF_BYTES	(120 * 1024)
/* A WAL frame's header (SQLite's file format). */
#define WAL_FRAME_HDR	24

struct wfile {
	sqlite3_file	 base;		/* pMethods: walbuf_io */
	sqlite3_file	*real;		/* the default VFS's, after this */
	int		 wal;		/* a WAL file: writes gathered */
	unsigned char	*buf;		/* WALBUF_BYTES, when wal */
	size_t		 len;		/* gathered */
	sqlite3_int64	 off;		/* where buf goes in the file */
	sqlite3_int64	 commit_at;	/* a commit frame's page, or -1 */
};

static sqlite3_vfs	 walbuf_vfs;
static sqlite3_vfs	*base_vfs;
static atomic_ulong	 flushes;	/* db_walbuf_flushes() */

#define WF(f)	((struct wfile *)(void *)(f))
#define REAL(f)	(WF(f)->real)

/* Writes out what is gathered; SQLite's code of the write. */
static int
flush(struct wfile *w)
{
	int	rc;

	if (w->len == 0)
		return SQLITE_OK;
	rc = w->real->pMethods->xWrite(w->real, w->buf, (int)w->len, w->off);
	/*
	 * The commit's page written, or still to come: a flush for room
	 * between a commit frame's header and its page keeps commit_at, so
	 * that the page, gathered next, goes out at once.
	 */
	if (w->commit_at >= w->off && w->commit_at < w->off +
	    (sqlite3_int64)w->len)
		w->commit_at = -1;
	w->len = 0;
	atomic_fetch_add(&flushes, 1);
	return rc;
}

static int
w_close(sqlite3_file *f)
{
	struct wfile	*w = WF(f);
	int		 rc, rc2;

	rc = flush(w);
	rc2 = w->real->pMethods->xClose(w->real);
	free(w->buf);
	w->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
w_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

/* Bytes 4-7 of a frame header: the database's size after a commit. */
static uint32_t
frame_commit(const unsigned char *h)
{
	return (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
	    (uint32_t)h[6] << 8 | h[7];
}

static int
w_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct wfile	*w = WF(f);
	int		 rc;

	if (!w->wal || n <= 0)
		return w->real->pMethods->xWrite(w->real, buf, n, off);
	/* Not where the gathered writes end, or no room: out first. */
	if ((w->len > 0 && off != w->off + (sqlite3_int64)w->len) ||
	    w->len + (size_t)n > WALBUF_BYTES) {
		if ((rc = flush(w)) != SQLITE_OK)
			return rc;
	}
	/*
	 * A commit frame's header: its page, next, ends the commit.  A
	 * header that begins nothing gathered goes out at once: it may be
	 * one written again (SQLite's checksums made again after a frame
	 * was overwritten), with no page after it.
	 */
	if (n == WAL_FRAME_HDR && frame_commit(buf) != 0)
		w->commit_at = off + WAL_FRAME_HDR;
	if ((size_t)n > WALBUF_BYTES || (n == WAL_FRAME_HDR && w->len == 0))
		return w->real->pMethods->xWrite(w->real, buf, n, off);
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, buf, (size_t)n);
	w->len += (size_t)n;
	if (off == w->commit_at)
		return flush(w);
	return SQLITE_OK;
}

static int
w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
w_sync(sqlite3_file *f, int flags)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
w_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
w_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
w_unlock(sqlite3_file *f, int lock)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
w_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
w_file_control(sqlite3_file *f, int op, void *arg)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
w_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
w_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
w_shm_map(sqlite3_file *f, int region, int size, int extend,
    void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int
w_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
w_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
w_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
w_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	int	rc;

	if ((rc = flush(WF(f))) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
w_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods walbuf_io = {
	3,
	w_close, w_read, w_write, w_truncate, w_sync, w_file_size, w_lock,
	w_unlock, w_check_reserved, w_file_control, w_sector_size,
	w_device_characteristics, w_shm_map, w_shm_lock, w_shm_barrier,
	w_shm_unmap, w_fetch, w_unfetch
};

static int
w_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct wfile	*w = WF(f);
	int		 rc;

	(void)vfs;
	memset(w, 0, sizeof(*w));
	w->real = (sqlite3_file *)(void *)(w + 1);
	w->commit_at = -1;
	rc = base_vfs->xOpen(base_vfs, name, w->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	/* Needs the default VFS's v3 methods; else nothing is opened. */
	if (w->real->pMethods == NULL || w->real->pMethods->iVersion < 3) {
		if (w->real->pMethods != NULL)
			w->real->pMethods->xClose(w->real);
		return SQLITE_CANTOPEN;
	}
	if ((flags & SQLITE_OPEN_WAL) &&
	    (w->buf = malloc(WALBUF_BYTES)) != NULL)
		w->wal = 1;
	w->base.pMethods = &walbuf_io;
	return SQLITE_OK;
}

static int
w_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int
w_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int
w_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static int
w_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xRandomness(base_vfs, n, out);
}

static int
w_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return base_vfs->xSleep(base_vfs, us);
}

static int
w_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return base_vfs->xCurrentTime(base_vfs, out);
}

static int
w_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xGetLastError(base_vfs, n, out);
}

static int
w_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static int	registered = SQLITE_ERROR;

static void
w_register(void)
{
	if ((base_vfs = sqlite3_vfs_find(NULL)) == NULL ||
	    base_vfs->iVersion < 2 || base_vfs->xCurrentTimeInt64 == NULL)
		return;
	walbuf_vfs.iVersion = 2;
	walbuf_vfs.szOsFile = (int)sizeof(struct wfile) + base_vfs->szOsFile;
	walbuf_vfs.mxPathname = base_vfs->mxPathname;
	walbuf_vfs.zName = "papigw-walbuf";
	walbuf_vfs.xOpen = w_open;
	walbuf_vfs.xDelete = w_delete;
	walbuf_vfs.xAccess = w_access;
	walbuf_vfs.xFullPathname = w_full_pathname;
	walbuf_vfs.xDlOpen = base_vfs->xDlOpen;
	walbuf_vfs.xDlError = base_vfs->xDlError;
	walbuf_vfs.xDlSym = base_vfs->xDlSym;
	walbuf_vfs.xDlClose = base_vfs->xDlClose;
	walbuf_vfs.xRandomness = w_randomness;
	walbuf_vfs.xSleep = w_sleep;
	walbuf_vfs.xCurrentTime = w_current_time;
	walbuf_vfs.xGetLastError = w_get_last_error;
	walbuf_vfs.xCurrentTimeInt64 = w_current_time_int64;
	registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

/*
 * The name of the VFS of DB_WALBUF for sqlite3_open_v2(), registered at
 * the first call; NULL (the default VFS) if it could not be.
 */
const char *
db_walbuf_vfs(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, w_register);
	return registered == SQLITE_OK ? walbuf_vfs.zName : NULL;
}

/* How many times gathered WAL writes went to their file, in all. */
unsigned long
db_walbuf_flushes(void)
{
	return atomic_load(&flushes);
}
