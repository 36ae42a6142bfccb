/*
 * web.h: the daemon's HTTP endpoints (web.c): routes every request of the
 * listener to the providers' endpoints, USSD, /healthz or /metrics.
 */
#ifndef PAPIGW_DAEMON_WEB_H
#define PAPIGW_DAEMON_WEB_H

struct http_req;

void	 web_handle(struct http_req *, void *services);

#endif /* PAPIGW_DAEMON_WEB_H */
