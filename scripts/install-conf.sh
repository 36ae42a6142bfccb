#!/bin/sh
# install-conf.sh: installs a configuration file without overwriting the
# administrator's.
#
#   scripts/install-conf.sh SRC DEST
#
# DEST missing: SRC is installed as DEST (mode 644).  DEST the same as
# SRC: nothing to do.  DEST edited (or from an older version): it is left
# as it is, SRC is installed beside it as DEST.dist, and a line says so,
# so that the administrator can compare them (diff DEST DEST.dist) and
# take what is new.  make install runs it for papigw.conf,
# categories.conf and procedures.conf.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: install-conf.sh SRC DEST" >&2
	exit 2
fi
src=$1
dest=$2
if [ ! -e "$dest" ]; then
	install -m 644 "$src" "$dest"
elif cmp -s "$src" "$dest"; then
	:
else
	install -m 644 "$src" "$dest.dist"
	echo "install-conf.sh: $dest exists and was kept; the new one is" \
	    "$dest.dist"
fi
