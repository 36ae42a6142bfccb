#!/bin/sh
# check-docs.sh: checks that the manual pages are clean and agree with the
# code, for `make check`.
#
#   1. `mandoc -Tlint -W style` says nothing about man/* (a reference to
#      another program's page counts when that page is installed), nor
#      about man/vi/man8/papictl.8 but for the length of its lines.
#   2. The usage lines of `$BUILD/papigwd --help` and `$BUILD/papictl --help`
#      are the SYNOPSIS lines of papigwd.8 and papictl.8, word for word,
#      every papictl command is an `.It Cm` item of papictl.8, and the
#      Vietnamese papictl.8 has the same SYNOPSIS and items.
#   3. Every setting of src/conf/config.c's schema tables (the `{ "name", T_...`
#      entries) is an `.It Ic name Pq type, range, default` item under the
#      `.Ss` of its group in papigw.conf.5, with the type, range and default
#      of the table (read by compiling the tables against $BUILD/libpapigw.a),
#      and is set or described in its group of conf/papigw.conf or
#      conf/categories.conf.
#   4. Every top-level group and list has its `.Ss` in papigw.conf.5 and is
#      named in the list at the start of its SETTINGS, which names nothing
#      else.
#
# Usage: BUILD=build scripts/check-docs.sh [ROOT]
# ROOT (default: the repository holding this script) is where man/, src/
# and conf/ are read from.  Prints what is missing; exit status 1 on any
# problem, 0 otherwise.
set -u

ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
ROOT=$(cd "$ROOT" && pwd) || exit 1
BUILD=${BUILD:-$ROOT/build}
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
problems=0

problem() {
	echo "check-docs: $*"
	problems=$((problems + 1))
}

cd "$ROOT" || exit 1
for f in man/papigwd.8 man/papictl.8 man/papigw.conf.5 src/conf/config.c \
    conf/papigw.conf conf/categories.conf conf/procedures.conf; do
	[ -f "$f" ] || problem "$f: missing"
done
[ "$problems" -eq 0 ] || exit 1

# ---------------------------------------------------------------------
# 1. mandoc lint
# ---------------------------------------------------------------------

# Down to the STYLE level.  The pages refer to each other: mandoc finds
# them in a database of their own (makewhatis), and a reference to
# another program's page counts when that page is installed here.
if ! command -v mandoc >/dev/null 2>&1; then
	problem "mandoc is not installed"
else
	mkdir -p "$tmp/db/man5" "$tmp/db/man8"
	cp man/*.5 "$tmp/db/man5/" && cp man/*.8 "$tmp/db/man8/" &&
	    makewhatis "$tmp/db" >/dev/null 2>&1
	MANPATH="$tmp/db" mandoc -Tlint -W style man/*.[58] >"$tmp/lint.all" 2>&1
	st=$?
	# The Vietnamese page too, but for one message: mandoc measures a
	# line after turning each Vietnamese letter into an escape
	# (\[u1EA1], 8 bytes), so no line of Vietnamese text fits its 80.
	MANPATH="$tmp/db" mandoc -Tlint -W style man/vi/man8/*.8 \
	    >"$tmp/lint.vi" 2>&1
	st_vi=$?
	[ "$st_vi" -gt "$st" ] && st=$st_vi
	grep -v ": STYLE: input text line longer than 80 bytes: " \
	    "$tmp/lint.vi" >>"$tmp/lint.all"
	while IFS= read -r l; do
		case $l in
		*"referenced manual not found: Xr "*)
			ref=${l##*Xr }
			set -- $ref
			ls /usr/share/man/man"$2"/"$1"."$2"* >/dev/null 2>&1 &&
			    continue ;;
		esac
		printf '%s\n' "$l"
	done <"$tmp/lint.all" >"$tmp/lint"
	# Status 1 and 2 come with the messages read above.
	if [ -s "$tmp/lint" ] || [ "$st" -ge 3 ]; then
		problem "mandoc -Tlint -W style man/* man/vi (status $st):"
		sed 's/^/    /' "$tmp/lint"
	fi
fi

# ---------------------------------------------------------------------
# 2. usage lines and SYNOPSIS
# ---------------------------------------------------------------------

bs=$(printf '\b')

# synopsis PAGE: the SYNOPSIS lines of PAGE as rendered, one invocation a
# line, blanks squeezed.
synopsis() {
	mandoc -Tascii -Owidth=1000 "$1" 2>/dev/null |
	    sed "s/.$bs//g" |
	    awk '/^[A-Z]/ { on = ($0 == "SYNOPSIS"); next }
		on && NF { $1 = $1; print }'
}

# usage PROGRAM: the usage lines of PROGRAM --help, "usage: " removed.
usage() {
	"$BUILD/$1" --help 2>&1 |
	    awk -v p="$1" '
		/^usage: / { on = 1; sub(/^usage: /, "") }
		on && !NF { exit }
		on { $1 = $1; if ($1 == p) print; else exit }'
}

for prog in papigwd papictl; do
	if [ ! -x "$BUILD/$prog" ]; then
		problem "$BUILD/$prog: not built; cannot compare its usage"
		continue
	fi
	usage "$prog" >"$tmp/usage.$prog"
	synopsis "man/$prog.8" >"$tmp/syn.$prog"
	if [ ! -s "$tmp/usage.$prog" ]; then
		problem "$prog --help prints no usage line"
		continue
	fi
	while IFS= read -r line; do
		grep -qxF -- "$line" "$tmp/syn.$prog" ||
		    problem "man/$prog.8: SYNOPSIS lacks the usage line:" \
		    "$line"
	done <"$tmp/usage.$prog"
	while IFS= read -r line; do
		grep -qxF -- "$line" "$tmp/usage.$prog" ||
		    problem "man/$prog.8: SYNOPSIS line not in $prog" \
		    "--help: $line"
	done <"$tmp/syn.$prog"
done

# Every command in papictl's help is an item of papictl.8.
if [ -x "$BUILD/papictl" ]; then
	"$BUILD/papictl" --help 2>&1 |
	    awk '/^commands:/ { on = 1; next } on && NF { print $1 }' \
	    >"$tmp/commands"
	[ -s "$tmp/commands" ] || problem "papictl --help lists no commands"
	while IFS= read -r cmd; do
		grep -q "^\.It Cm $cmd\( \|$\)" man/papictl.8 ||
		    problem "man/papictl.8: no '.It Cm $cmd' for the command" \
		    "$cmd"
	done <"$tmp/commands"
fi

# The Vietnamese papictl.8 describes the same program: the same SYNOPSIS,
# and the same command and option items (the .It Cm and .It Fl lines
# with their continuations), word for word, in the same order.
items() {
	awk '/^\.It (Cm|Fl)/ { on = 1 } on { print } on && !/\\$/ { on = 0 }' \
	    "$1"
}
vi_page=man/vi/man8/papictl.8
if [ ! -f "$vi_page" ]; then
	problem "$vi_page is missing"
else
	synopsis man/papictl.8 >"$tmp/syn.en"
	synopsis "$vi_page" >"$tmp/syn.vi"
	cmp -s "$tmp/syn.en" "$tmp/syn.vi" ||
	    problem "$vi_page: its SYNOPSIS is not papictl.8's"
	items man/papictl.8 >"$tmp/items.en"
	items "$vi_page" >"$tmp/items.vi"
	[ -s "$tmp/items.en" ] || problem "man/papictl.8: no .It Cm item read"
	if ! cmp -s "$tmp/items.en" "$tmp/items.vi"; then
		problem "$vi_page: its items are not papictl.8's" \
		    "(< papictl.8, > $vi_page):"
		diff "$tmp/items.en" "$tmp/items.vi" | sed 's/^/    /'
	fi
fi

# ---------------------------------------------------------------------
# 3. settings
# ---------------------------------------------------------------------

# The schema entries in the source: TABLE NAME TYPE, with the groups[]
# table mapping f_log to "log" and so on.  The tables of list elements
# are named here.
awk '
	/^static const struct group/ { ingroups = 1 }
	ingroups && /^};/ { ingroups = 0 }
	ingroups {
		while (match($0, /\{ "[a-z_0-9]+", f_[a-z_0-9]+ \}/)) {
			s = substr($0, RSTART, RLENGTH)
			$0 = substr($0, RSTART + RLENGTH)
			split(s, w, /[ ",{}]+/)
			print "group", w[3], w[2]
		}
		next
	}
	/^static const struct field f_[a-z_0-9]+\[\]/ {
		tab = $5
		sub(/\[\].*/, "", tab)
		next
	}
	/^};/ { tab = "" }
	tab != "" {
		while (match($0, /\{ "[a-z_0-9]+", T_[A-Z]+/)) {
			s = substr($0, RSTART, RLENGTH)
			$0 = substr($0, RSTART + RLENGTH)
			split(s, w, /[ ",{]+/)
			print "field", tab, w[2], w[3]
		}
	}' src/conf/config.c >"$tmp/schema.raw"
awk '
	$1 == "group" { g[$2] = $3 }
	$1 == "field" { n++; t[n] = $2; nm[n] = $3; ty[n] = $4 }
	END {
		g["f_category"] = "categories"
		g["f_subcategory"] = "categories"
		g["f_channel"] = "channels"
		g["f_role"] = "roles"
		g["f_topic"] = "topics"
		g["f_area"] = "areas"
		g["f_news_topic"] = "news_topics"
		g["f_proc_field"] = "procedure_fields"
		g["f_procedure"] = "procedures"
		for (i = 1; i <= n; i++)
			print (t[i] in g ? g[t[i]] : "?" t[i]), nm[i], ty[i]
	}' "$tmp/schema.raw" >"$tmp/schema"
if [ ! -s "$tmp/schema" ]; then
	problem "src/conf/config.c: no schema entries found (has the table" \
	    "format changed?)"
fi
while read -r grp name type; do
	case $grp in
	\?*) problem "src/conf/config.c: table ${grp#?} of '$name' is not known" \
	    "to scripts/check-docs.sh" ;;
	esac
done <"$tmp/schema"

# The .It Ic items of papigw.conf.5: GROUP NAME, then the whole item line.
awk '
	/^\.Sh/ { grp = "" }
	/^\.Ss/ { grp = $2; gsub(/"/, "", grp) }
	/^\.It Ic / && grp != "" { print grp, $3 }' man/papigw.conf.5 \
    >"$tmp/man.items"

# Settings set or described in the conf files: GROUP NAME.  A line belongs
# to the top-level group or list it is in; comment lines between two
# top-level settings belong to the next one.  A setting counts when it is
# assigned (also in a comment, also as NAME_file), or when a comment line
# starts with it in the style "//   name, name_file   what it is".
awk '
	function found(line,    m, w, k, i) {
		s = line
		while (match(s, /(^|[^a-z_.])[a-z_][a-z_0-9]*[ \t]*[=:][ \t]*[^=]/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH - 1)
			sub(/^[^a-z_]/, "", m)
			sub(/[ \t]*[=:].*/, "", m)
			out[++nout] = m
		}
		if (match(line, /^[ \t]*(\/\/|#)[ \t]*[a-z_][a-z_0-9]*(,[ \t]*[a-z_][a-z_0-9]*)*([ \t][ \t]+|[ \t]*$)/)) {
			m = substr(line, RSTART, RLENGTH)
			sub(/^[ \t]*(\/\/|#)[ \t]*/, "", m)
			k = split(m, w, /[, \t]+/)
			for (i = 1; i <= k; i++)
				if (w[i] != "")
					out[++nout] = w[i]
		}
	}
	function emit(g, line,    i) {
		nout = 0
		found(line)
		for (i = 1; i <= nout; i++)
			print g, out[i]
	}
	FNR == 1 { grp = ""; npend = 0 }
	/^[a-z_][a-z_0-9]*[ \t]*[=:][ \t]*[({]/ {
		grp = $0
		sub(/[ \t]*[=:].*/, "", grp)
		for (i = 1; i <= npend; i++)
			emit(grp, pend[i])
		npend = 0
		# The rest of the line, as in  log = { level = "info"; };
		rest = $0
		sub(/^[^({]*[({]/, "", rest)
		emit(grp, rest)
		if (rest ~ /[)}][ \t]*;[ \t]*$/)
			grp = ""
		next
	}
	/^[)}][ \t]*;/ { grp = ""; next }
	grp == "" { pend[++npend] = $0; next }
	{ emit(grp, $0) }' conf/papigw.conf conf/categories.conf \
    conf/procedures.conf |
    sort -u >"$tmp/conf.items"

while read -r grp name type; do
	case $grp in \?*) continue ;; esac
	grep -qxF "$grp $name" "$tmp/man.items" ||
	    problem "man/papigw.conf.5: no '.It Ic $name' under '.Ss $grp'"
	if ! grep -qxF "$grp $name" "$tmp/conf.items" &&
	    { [ "$type" != T_SECRET ] ||
	    ! grep -qxF "$grp ${name}_file" "$tmp/conf.items"; }; then
		problem "conf/papigw.conf, conf/categories.conf: $grp.$name" \
		    "is neither set nor described in its group"
	fi
done <"$tmp/schema"

# Every top-level group and list has its .Ss, and the list of them at the
# start of SETTINGS names each, and nothing else.
{
	awk '$1 == "group" { print $3 }' "$tmp/schema.raw"
	printf '%s\n' categories channels roles topics areas news_topics \
	    procedure_fields procedures
} | sort -u >"$tmp/toplevel"
sed -n 's/^known\[i++\] = "\([a-z_]*\)";.*/\1/p' src/conf/config.c \
    >"$tmp/lists.code"
while read -r l; do
	grep -qxF "$l" "$tmp/toplevel" ||
	    problem "src/conf/config.c: top-level list '$l' is not known" \
	    "to scripts/check-docs.sh"
done <"$tmp/lists.code"
awk '/^\.Ss/ { print $2 }' man/papigw.conf.5 | tr -d '"' >"$tmp/man.ss"
awk '/^\.Sh SETTINGS/ { on = 1; next } /^\.Ss/ || /anything else/ { on = 0 }
    on && /^\.Ic / { print $2 }' man/papigw.conf.5 >"$tmp/man.top"
while read -r g; do
	grep -qxF "$g" "$tmp/man.ss" ||
	    problem "man/papigw.conf.5: no '.Ss $g' for the top-level $g"
	grep -qxF "$g" "$tmp/man.top" ||
	    problem "man/papigw.conf.5: SETTINGS does not name the" \
	    "top-level $g among the groups and lists"
done <"$tmp/toplevel"
while read -r g; do
	grep -qxF "$g" "$tmp/toplevel" ||
	    problem "man/papigw.conf.5: SETTINGS names '$g', which is not" \
	    "a top-level group or list"
done <"$tmp/man.top"

# And no item documents a setting that the tables do not have.  The lists
# read outside the tables are named here.
{
	awk '{ print $1, $2 }' "$tmp/schema"
	echo "router shorthand"
	echo "categories subcategories"
	echo "ussd menu"
	echo "ussd report_categories"
	echo "ussd info_topics"
} >"$tmp/known"
while read -r grp name; do
	grep -qxF "$grp $name" "$tmp/known" ||
	    problem "man/papigw.conf.5: '.It Ic $name' under '.Ss $grp' is" \
	    "not a setting of src/conf/config.c"
done <"$tmp/man.items"

# Types, ranges and defaults: compile the tables and print each field as
# the man page should show it, ".It Ic NAME Pq TYPE, RANGE, DEFAULT".
cat >"$tmp/dump.c" <<EOF
#include "$ROOT/src/conf/config.c"

static void
dump(const char *grp, const struct field *f)
{
	static const char *const types[] = { [T_STR] = "string",
	    [T_INT] = "integer", [T_BOOL] = "boolean", [T_FLOAT] = "number",
	    [T_ENUM] = "enumeration", [T_SECRET] = "secret",
	    [T_TEMPLATE] = "template", [T_STRLIST] = "array of strings" };
	int	str;

	for (; f->name != NULL; f++) {
		str = f->type == T_STR || f->type == T_TEMPLATE ||
		    f->type == T_SECRET || f->type == T_ENUM;
		printf("%s\t.It Ic %s Pq %s", grp, f->name, types[f->type]);
		if (f->type == T_INT || f->type == T_FLOAT)
			printf(", %.15g to %.15g", f->min, f->max);
		else if (f->type == T_STRLIST)
			printf(", each %.15g to %.15g bytes", f->min, f->max);
		else if (str && f->type != T_ENUM && f->min > 0)
			printf(", %.15g to %.15g bytes", f->min, f->max);
		else if (str && f->type != T_ENUM)
			printf(", at most %.15g bytes", f->max);
		if (f->flags & F_REQUIRED)
			printf(", required\n");
		else if (f->def == NULL)
			printf(", default none\n");
		else if (str && f->def[0] == '\0')
			printf(", default Qq\n");
		else if (str && strchr(".,:;?!)", f->def[strlen(f->def) -
		    1]) != NULL)
			/* A trailing delimiter stays inside the quotes. */
			printf(", default Qq %.*s\\\\&%s\n",
			    (int)strlen(f->def) - 1, f->def,
			    f->def + strlen(f->def) - 1);
		else if (str)
			printf(", default Qq %s\n", f->def);
		else
			printf(", default %s\n", f->def);
	}
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < NGROUPS; i++)
		dump(groups[i].name, groups[i].fields);
	dump("categories", f_category);
	dump("categories", f_subcategory);
	dump("channels", f_channel);
	dump("roles", f_role);
	dump("topics", f_topic);
	dump("areas", f_area);
	dump("news_topics", f_news_topic);
	return 0;
}
EOF
# The libraries of the Makefile's PKGS: split into words on purpose.
pkgs="libconfig sqlite3 libutf8proc jansson libmicrohttpd libcurl gammu \
    openssl libsystemd"
# shellcheck disable=SC2086
pkg_cflags=$($PKG_CONFIG --cflags $pkgs 2>/dev/null)
# shellcheck disable=SC2086
pkg_libs=$($PKG_CONFIG --libs $pkgs 2>/dev/null)
# shellcheck disable=SC2086
if [ ! -f "$BUILD/libpapigw.a" ]; then
	problem "$BUILD/libpapigw.a: not built; cannot check types," \
	    "ranges and defaults"
elif ! $CC -std=c11 -D_GNU_SOURCE -I"$ROOT/src" $pkg_cflags \
    ${SAN_CFLAGS:-} \
    -o "$tmp/dump" "$tmp/dump.c" "$BUILD/libpapigw.a" $pkg_libs \
    -lpthread -lm >"$tmp/cc.out" 2>&1; then
	problem "cannot compile the schema dumper:"
	sed 's/^/    /' "$tmp/cc.out"
else
	"$tmp/dump" >"$tmp/expected"
	awk '
		/^\.Sh/ { grp = "" }
		/^\.Ss/ { grp = $2; gsub(/"/, "", grp) }
		/^\.It Ic / && grp != "" { print grp "\t" $0 }' \
	    man/papigw.conf.5 >"$tmp/man.lines"
	while IFS= read -r want; do
		grp=${want%%"	"*}
		name=$(echo "${want#*"	"}" | awk '{ print $3 }')
		# Only fields that have an item at all; a missing one is
		# reported above.
		grep -qxF "$grp $name" "$tmp/man.items" || continue
		grep -qxF -- "$want" "$tmp/man.lines" ||
		    problem "man/papigw.conf.5: under '.Ss $grp', expected" \
		    "'${want#*"	"}', found '$(grep -F "$grp	.It Ic $name " \
		    "$tmp/man.lines" | head -n 1 | cut -f 2-)'"
	done <"$tmp/expected"
fi

if [ "$problems" -ne 0 ]; then
	echo "check-docs: $problems problem(s)"
	exit 1
fi
echo "check-docs: OK"
exit 0
