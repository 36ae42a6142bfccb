/*
 * version.h: the version both programs print.
 */
#ifndef PAPIGW_BASE_VERSION_H
#define PAPIGW_BASE_VERSION_H

#define PAPIGW_VERSION		"0.1.0"

#endif /* PAPIGW_BASE_VERSION_H */
