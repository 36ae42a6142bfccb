#!/bin/sh
# deps.sh: install the Debian 12 packages that papigw's build and tests need.
#
# Idempotent: when every package is already installed it only runs
# dpkg-query and exits, which takes a fraction of a second.  Otherwise it
# runs one "apt-get update" and one "apt-get install -y" with the missing
# packages.  It must be root to install; a non-root caller with something
# missing gets the list and the command to run.
set -eu

# Build: one pkg-config module per library (liblinear, which has none,
# trains the router's model), gettext's msgfmt for the translations.
# Tests and tools: the rest; locales has the definitions of vi_VN.UTF-8,
# which the tests generate for themselves, weasyprint renders papictl's
# PDF reports (in DejaVu Serif, which has every Vietnamese letter) and
# poppler-utils' pdftotext reads them back; bsdextrautils has col, which
# the tests read rendered man pages with; postgresql is the server (with
# postgresql-common's pg_virtualenv) that "make check-pg" runs on.
PACKAGES="
build-essential pkg-config gettext
libgammu-dev libcurl4-openssl-dev libsqlite3-dev libconfig-dev
libmicrohttpd-dev libutf8proc-dev libjansson-dev libssl-dev libsystemd-dev
libpam0g-dev libpq-dev chromium python3
libcmocka-dev liblinear-dev
curl sqlite3 gammu mandoc openssl jq locales weasyprint poppler-utils
bsdextrautils fonts-dejavu-core postgresql
"
# Optional extras: sanitizer and fuzzer runtimes, load generator,
# systemd-analyze for the unit check; gammu-smsd and its SQLite driver,
# the peer bench/modem measures against (its service is masked: papigwd
# owns the modem).
EXTRA="clang wrk systemd gammu-smsd libdbd-sqlite3"

missing=""
for p in $PACKAGES ${PAPIGW_DEPS_EXTRA:-$EXTRA}; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: run as root: apt-get update &&" \
	    "apt-get install -y$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
# The gammu-smsd package enables its service: it would fight papigwd for
# the modem.
case " $missing " in
*" gammu-smsd "*)
	systemctl stop gammu-smsd >/dev/null 2>&1 || true
	systemctl mask gammu-smsd >/dev/null 2>&1 || true
	;;
esac
