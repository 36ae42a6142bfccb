/*
 * control_proto.h: what papictl and the daemon's control socket both know
 * of their protocol: one JSON object a line each way (daemon/control.c
 * and papictl(8) describe it).
 */
#ifndef PAPIGW_DOMAIN_CONTROL_PROTO_H
#define PAPIGW_DOMAIN_CONTROL_PROTO_H

#define CONTROL_REQUEST_MAX	65536	/* bytes of one request line */

/* Why a request failed ("error" of the answer). */
enum control_err {
	CONTROL_E_OK,
	CONTROL_E_USAGE,	/* "usage": bad arguments */
	CONTROL_E_FORBIDDEN,	/* "forbidden": not for this role */
	CONTROL_E_NOTFOUND,	/* "notfound": no such case or row */
	CONTROL_E_CONFLICT,	/* "conflict": not in this state */
	CONTROL_E_UNAVAILABLE,	/* "unavailable": the store failed */
	CONTROL_E_INTERNAL	/* "internal" */
};

#endif /* PAPIGW_DOMAIN_CONTROL_PROTO_H */
