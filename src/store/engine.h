/*
 * engine.h: the store engine's own state, shared by its files and nothing
 * else: engine.c (opening and closing, the writer thread and its group
 * commit), wal.c (the syncer and the checkpointer threads), txn.c
 * (statements and steps inside a work function, reads of committed
 * data) and health.c (whether writes and syncs work).  The other files
 * of the store see the engine through store_priv.h only.
 */
#ifndef PAPIGW_STORE_ENGINE_H
#define PAPIGW_STORE_ENGINE_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_priv.h"

/* A unit of work waiting for, or in, a batch. */
struct item {
	struct item	*next;
	store_work_fn	 work;
	void		*work_arg;
	store_done_fn	 done;
	void		*done_arg;
	int		 clean;		/* store_submit_clean(): no savepoint */
	int		 probe;		/* the store's own (health.c) */
	enum store_status status;
	double		 queued_at;	/* clock_mono() at submit */
};

/*
 * The end of the audit chain, as the writer appended it (audit_chain.c):
 * valid once read from the database in the current batch, pending the
 * entries the batch appended, which store_audit_batch_end() counts into
 * audit_head.
 */
struct store_audit_end {
	int		 valid;
	int64_t		 last_id;	/* 0: no entry */
	int64_t		 pending;
	char		 hash[STORE_HASH_HEX];
};

/*
 * On PostgreSQL, the entries a batch's items append, kept in memory until
 * the batch's end (store_audit_batch_end()): only then is the chain's end
 * locked and read, and the entries hashed and inserted, so that the lock
 * that several gateways' writers take in turn is held for those inserts
 * and the COMMIT, not for the whole batch.  An item that fails takes its
 * entries back (store_audit_rewind()).
 */
struct store_audit_queued {
	int64_t		 at;
	int64_t		 case_id;
	char		*actor;
	char		*action;
	char		*detail;	/* or NULL */
};

struct store_audit_queue {
	struct store_audit_queued *v;
	size_t		 n;
	size_t		 cap;
};

void	store_lat_add(uint64_t *, uint64_t *, double);

/*
 * WAL frames that wake the checkpointer, then again every STEP more;
 * frames past which the WAL should start over (64 MB of 4 KB pages: the
 * checkpointer then runs pass after pass, and the writer copies the rest
 * itself once no more than TAIL frames are left, or once the WAL grew
 * FORCE frames more).  Each start over costs the writer a checkpoint of
 * 5-10 ms whatever it copies (the database file's sync), so the longer
 * the WAL the less ingest waits: 16,000 frames took a quarter of the time
 * 4,000 did on a store of a million cases (bench/ingest --big).
 */
#define STORE_CKPT_PAGES	1000
#define STORE_CKPT_STEP		500
#define STORE_CKPT_RESTART	16000
#define STORE_CKPT_TAIL		128
#define STORE_CKPT_FORCE	4000

/*
 * The writer's last rows of outbox_texts (txn.c, for outbox_rows.c): id,
 * text and placeholder; text NULL for a free slot.  Forgotten whenever an
 * item or a batch fails, since the row may have gone with it.
 */
#define STORE_TEXTS_CACHED	8
struct store_text_cached {
	int64_t		 id;
	char		*text;
	char		*ph;
};

struct store {
	const struct db_driver *driver;
	char		*path;
	char		*conninfo;	/* PostgreSQL's */
	char		*ward;		/* new cases', "" in a store of one */
	unsigned char	 audit_key[STORE_AUDIT_KEY_MAX];	/* or none: */
	size_t		 audit_keylen;	/* 0: the log is not keyed */
	void		*audit_mac;	/* the writer's EVP_MAC_CTX, keyed */
	struct store_conn wr;		/* the writer thread's, after open */
	struct store_conn rd;		/* read-only, under rlock */
	pthread_mutex_t	 rlock;

	/* The syncer (storage.synchronous = full): items under lock. */
	int		 pipelined;
	pthread_t	 syncer;
	int		 syncer_started;
	pthread_cond_t	 synced_wake;
	struct item	*shead, *stail;	/* committed, not yet on disk */
	int		 sync_outbox;	/* they queued outbox rows */
	int		 sync_closing;
	int		 syncing;	/* a sync in progress: wake on its end */
	int		 walfd;		/* the syncer's */
	char		*walpath;

	/*
	 * PostgreSQL: the timers' thread's connection that holds the lock
	 * saying this gateway runs the timers (store_timer_lead()).
	 */
	struct store_conn lead;
	int		 leading;	/* STORE_LEAD_*; -1: not known yet */
	int		 lead_held;	/* the locks it holds (engine.c) */

	/* The checkpointer and its connection; flags under lock. */
	struct store_conn ck;
	pthread_t	 ckpt;
	int		 ckpt_started;
	pthread_cond_t	 ckpt_wake;
	pthread_cond_t	 ckpt_idle;	/* a pass ended */
	int		 ckpt_wanted;
	int		 ckpt_running;
	int		 ckpt_hold;	/* the writer wants the last frames */
	int		 ckpt_copied;	/* WAL frames copied, as of its last pass */
	uint64_t	 wal_gen;	/* times the WAL started over */
	int		 ckpt_closing;
	int		 wal_frames;	/* writer only: after the last commit */
	int		 ckpt_next;	/* writer only: frames that wake it */
	int		 restart_at;	/* writer only: frames it helps at */

	pthread_t	 writer;
	int		 writer_started;
	struct item	**batch;	/* batch_max slots, the writer's */
	int		 batch_max;
	struct store_audit_end audit_end;	/* the writer's */
	struct store_text_cached texts[STORE_TEXTS_CACHED]; /* the writer's */
	unsigned	 texts_next;	/* the slot to fill next */
	struct store_audit_queue audit_queue;	/* the writer's, PostgreSQL */

	pthread_mutex_t	 lock;		/* everything below */
	pthread_cond_t	 wake;		/* work queued, or closing */
	struct item	*head, *tail;
	uint64_t	 nqueued;
	int		 closing;
	int		 fail_commits;	/* store_fault_commit(), tests only */
	int		 sync_delay_ms;	/* store_fault_sync_delay(), tests */
	void		(*outbox_hook)(void *);	/* store_outbox_hook() */
	void		*outbox_hook_arg;
	int		 outbox_dirty;	/* writer only: rows were queued */
	/*
	 * Replies handed to the outbox worker by the writer rather than
	 * claimed (store_outbox_direct()): the functions, under
	 * direct_lock; the rows the items of the batch under way inserted
	 * "sending" (writer only); those of the batches committed and
	 * waiting for the sync (under lock).
	 */
	pthread_mutex_t	 direct_lock;
	int		(*direct_accept)(const char *, void *);
	void		(*direct_take)(struct store_outbox *, size_t, void *);
	void		*direct_arg;
	struct store_outbox *direct;
	size_t		 ndirect, direct_cap;
	struct store_outbox *sync_direct;
	size_t		 nsync_direct;
	struct store_stats stats;

	/* Health (health.c): "" while writes and syncs work. */
	char		 write_error[STORE_HEALTH_MAX];
	int64_t		 write_failed_at;	/* the first: Unix seconds */
	int64_t		 write_failed_last;	/* the last */
	char		 sync_error[STORE_HEALTH_MAX];
	int64_t		 sync_failed_at;
	int64_t		 sync_failed_last;
	double		 probe_next;	/* writer only: monotonic */
	dev_t		 dev;		/* the file store_open() opened */
	ino_t		 ino;
#ifdef PAPIGW_TEST_HOOKS
	int		 fault_full;	/* writer only: PAPIGW_STORE_TEST_FULL */
#endif
};

/*
 * What a work function holds: its connection (the writer's, or the
 * reader's for store_read()) and this item's worst error.
 */
struct store_txn {
	struct store		*st;
	struct store_conn	*conn;
	enum store_status	 fatal;
	char			 why[STORE_HEALTH_MAX];	/* fatal's */
};

/* engine.c */
int		 store_is_pg(const struct store *);

/* wal.c */
int		 store_wal_open(struct store *, char *err, size_t errsz);
int		 store_wal_start(struct store *, char *err, size_t errsz);
void		 store_wal_stop(struct store *);
void		 store_wal_hand(struct store *, struct item **, size_t n);
void		 store_wal_between(struct store *);
int		 store_wal_hook(void *, sqlite3 *, const char *, int);

/* txn.c */
void		 store_outbox_texts_forget(struct store *);

/* engine.c */
void		 store_count_error(struct store *);
void		 store_outbox_notify(struct store *);
int		 store_direct_accept(struct store *, const char *channel);
void		 store_direct_add(struct store *, const struct store_outbox *);
void		 store_direct_drop(struct store *, size_t from);
void		 store_direct_take(struct store *, struct store_outbox *,
		    size_t);

/* health.c */
void		 store_health_open(struct store *);
void		 store_health_write(struct store *, const char *why);
void		 store_health_sync(struct store *, const char *why);
int		 store_health_probe(struct store *);

#endif /* PAPIGW_STORE_ENGINE_H */
