/*
 * modem.h: GSM modem channels through libGammu
 *
 * One thread per enabled modem channel owns its libGammu state machine;
 * the rest of the daemon reaches it through modems_*() below, from any
 * thread.
 */
#ifndef PAPIGW_CHAN_MODEM_H
#define PAPIGW_CHAN_MODEM_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

struct ingest;
struct slot;
struct store;
struct strbuf;
struct outbox;

struct modems;

enum modem_state {
	MODEM_DOWN,		/* not connected; retrying with backoff */
	MODEM_CONNECTING,	/* opening the device */
	MODEM_UP		/* connected and answering */
};

/* One modem's health, for /healthz, /metrics and papictl status. */
struct modem_status {
	char		 channel[CONF_ID_MAX];
	enum modem_state state;
	char		 error[128];	/* the problem now, or "" */
	int		 signal;	/* percent, -1: unknown */
	int		 battery;	/* percent, -1: unknown */
	char		 network[16];	/* "home", "roaming", "searching",
					   "denied", "none", "unknown" */
	int		 sim_used;	/* messages on SIM and phone, -1 */
	int		 sim_size;	/* -1: unknown */
	int		 queued;	/* messages waiting to be sent */
	int64_t		 up_since;	/* Unix seconds, 0 while down */
	int64_t		 last_received;	/* a message stored, 0: never */
	int64_t		 last_sent;	/* a part sent, 0: never */
	uint64_t	 received;	/* messages stored */
	uint64_t	 duplicates;	/* read again, stored before */
	uint64_t	 parts_sent;
	uint64_t	 send_failures;
	uint64_t	 read_errors;	/* unreadable inbox entries */
	uint64_t	 connects;
	/* What waits on the phone, and whether it moves. */
	int		 waiting;	/* inbox entries at the last scan */
	int64_t		 progress_at;	/* one stored, deleted, or waiting
					   began: Unix seconds */
	int		 stall_timeout;	/* seconds */
	int		 stalled;	/* modems_status(): waiting, and no
					   progress for stall_timeout */
	int		 unreadable;	/* entries that cannot be read */
	char		 unreadable_first[96];	/* the first one's story */
	uint64_t	 unreadable_deleted;	/* saved and deleted */
};

void		 modem_init_locales(void);
struct modems	*modems_start(struct ingest *, struct slot *confs,
		    struct config *);
void		 modems_reload(struct modems *, struct config *);
void		 modems_attach_outbox(struct modems *, struct outbox *);
void		 modems_stop(struct modems *);
void		 modems_free(struct modems *);
size_t		 modems_status(struct modems *, struct modem_status *,
		    size_t max);
void		 modems_attach_store(struct modems *, struct store *);
int		 modems_health(struct modems *, char *why, size_t whysz);
void		 modems_metrics(struct modems *, struct strbuf *);
const char	*modem_state_name(enum modem_state);

#endif /* PAPIGW_CHAN_MODEM_H */
