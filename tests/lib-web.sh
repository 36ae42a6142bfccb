# lib-web.sh: helpers for the dashboard's tests (t60xx), sourced after
# lib.sh and lib-ctl.sh.
#
#	web_users		creates two Unix users with passwords, an
#				officer ($WOFF) and an inspector ($WINS),
#				removed at exit; their password is $WPASS
#	web_pam			installs the shipped PAM service (pam/papigw)
#				as $WPAM, removed at exit
#	web_conf FILE [EXTRA]	a test configuration with the dashboard on
#				$WPORT, those users' roles, and EXTRA
#	wcurl ARGS...		curl on the dashboard, headers in $TRASH/h
#	web_login USER [JAR]	logs USER in with $WPASS, cookies in JAR
#				(default USER.jar)
#	wget_page JAR PATH OUT	a page as JAR's session, status in $WSTATUS

WOFF=""
WINS=""
WPAM=""
WPASS="Pgw-test-$$-pw"

web_cleanup() {
	for u in $WOFF $WINS; do
		userdel "$u" 2>/dev/null
	done
	WOFF=""
	WINS=""
	[ -n "$WPAM" ] && rm -f "/etc/pam.d/$WPAM"
	WPAM=""
}
trap 'web_cleanup; ctl_cleanup; cleanup' EXIT

web_users() {
	for u in "pgw-wo-$$" "pgw-wi-$$"; do
		useradd -M -N -r -s /usr/sbin/nologin "$u" || return 1
		case $u in
		pgw-wo-*) WOFF=$u ;;
		*) WINS=$u ;;
		esac
		echo "$u:$WPASS" | chpasswd || return 1
	done
}

web_pam() {
	WPAM="papigw-test-$$"
	install -m 644 "$TESTS_DIR/../pam/papigw" "/etc/pam.d/$WPAM"
}

web_conf() {
	WPORT=${WPORT:-$(free_port)} || return 1
	ctl_conf "$1" "web = { listen = \"127.0.0.1:$WPORT\";
    pam_service = \"$WPAM\"; refresh = 2; };
roles = (
  { name = \"ward-officers\"; kind = \"officer\"; users = [ \"$WOFF\" ]; },
  { name = \"inspectors\"; kind = \"inspector\"; users = [ \"$WINS\" ]; }
);
${2:-}"
}

wcurl() {
	curl -sS -D "$TRASH/h" "$@"
}

web_login() {
	wcurl -o "$TRASH/login.out" -w '%{http_code}' -c "${2:-$1.jar}" \
	    --data-urlencode "user=$1" --data-urlencode "password=$WPASS" \
	    "http://127.0.0.1:$WPORT/login" >"$TRASH/login.code" &&
	test "$(cat "$TRASH/login.code")" = 303
}

wget_page() {
	WSTATUS=$(wcurl -o "$3" -w '%{http_code}' -b "$1" \
	    "http://127.0.0.1:$WPORT$2")
}
