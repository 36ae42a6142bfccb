#!/bin/sh
# check-layers.sh: keeps the source tree's layering true.
#
#   scripts/check-layers.sh [BUILD]
#
# 1. Each folder of src/ is a layer; a file may include the headers of its
#    own layer and of the layers below it, never of one above:
#
#	base < text < conf < domain < store < core < chan < daemon
#
#    papictl (src/ctl/) may include base, text, conf and domain only: it
#    talks to the daemon over the control socket and never opens the
#    database.
# 2. Each outside library's header is included only where the README's
#    architecture section says: sqlite3.h in store/, libpq-fe.h in
#    store/db_pg.c, microhttpd.h in
#    chan/http.c, curl/curl.h in chan/send_http.c, gammu.h in
#    chan/modem*, libconfig.h in conf/config.c, utf8proc.h in text/,
#    systemd/ in daemon/.
# 3. With BUILD (a build folder holding papictl): papictl links none of
#    libsqlite3, libpq, libmicrohttpd, libcurl, libGammu, libsystemd, and holds no
#    function of the store, the HTTP server or the channels.
#
# Prints one line per problem and exits 1 when there is any.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-}
cd "$ROOT" || exit 1
status=0

problem() {
	echo "check-layers: $*"
	status=1
}

rank() {
	case $1 in
	base) echo 0 ;; text) echo 1 ;; conf) echo 2 ;; domain) echo 3 ;;
	store) echo 4 ;; core) echo 5 ;; chan) echo 6 ;; daemon) echo 7 ;;
	*) echo 99 ;;
	esac
}

for f in src/*/*.c src/*/*.h; do
	layer=${f#src/}
	layer=${layer%%/*}
	own=$(rank "$layer")
	if [ "$own" = 99 ] && [ "$layer" != ctl ]; then
		problem "$f: $layer is not a layer"
		continue
	fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		*/*) ;;
		*) problem "$f: #include \"$inc\": name the layer" \
		    "(\"$layer/$inc\")"; continue ;;
		esac
		to=${inc%%/*}
		if [ "$layer" = ctl ]; then
			case $to in
			base|text|conf|domain|ctl) ;;
			*) problem "$f: papictl includes $inc" ;;
			esac
			continue
		fi
		r=$(rank "$to")
		if [ "$r" = 99 ]; then
			problem "$f: #include \"$inc\": no such layer"
		elif [ "$r" -gt "$own" ]; then
			problem "$f: $layer includes $inc, a higher layer"
		fi
	done
done

# Where each library's header may be included: "header pattern".
while read -r hdr where; do
	for f in $(grep -l "^#include <$hdr" src/*/*.c src/*/*.h); do
		case $f in
		$where) ;;
		*) problem "$f: includes <$hdr...>, kept to $where" ;;
		esac
	done
done <<'EOF'
sqlite3.h src/store/*
libpq-fe.h src/store/db_pg.c
microhttpd.h src/chan/http.c
curl/ src/chan/send_http.c
gammu src/chan/modem*
libconfig.h src/conf/config.c
utf8proc.h src/text/*
systemd/ src/daemon/*
EOF

if [ -n "$BUILD" ]; then
	ctl=$BUILD/papictl
	if [ ! -x "$ctl" ]; then
		problem "$ctl: not built"
	else
		for lib in libsqlite3 libpq libmicrohttpd libcurl libGammu libsystemd; do
			if readelf -d "$ctl" | grep NEEDED | grep -q "$lib"; then
				problem "papictl links $lib"
			fi
		done
		bad=$(nm --defined-only --extern-only "$ctl" | awk '{print $3}' |
		    grep -E '^(store|http|providers|ingest|outbox|send_http|modem|modems|ussd_handle|gateway|control_start|reply_queue)_' |
		    head -5)
		[ -z "$bad" ] || problem "papictl holds daemon code:" $bad
	fi
fi
exit $status
