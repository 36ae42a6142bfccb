/*
 * report.h: reports, exports and the audit log
 */
#ifndef PAPIGW_DAEMON_REPORT_H
#define PAPIGW_DAEMON_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/control.h"

int		 report_report(struct control_req *);
int		 report_export(struct control_req *);
int		 report_audit(struct control_req *);

#endif /* PAPIGW_DAEMON_REPORT_H */
