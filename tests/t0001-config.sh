#!/bin/sh
test_description='papigwd -n, papictl check-config and -o on good and broken configurations'
. "$(dirname "$0")/lib.sh"

# check_broken NAME LINE MESSAGE: papigwd -n on $NAME.conf must exit 1
# and print exactly "$TRASH/$NAME.conf:LINE: MESSAGE".
check_broken() {
	test_exit_status 1 "$PAPIGWD" -n -c "$TRASH/$1.conf" >out 2>err &&
	test ! -s out &&
	echo "$TRASH/$1.conf:$2: $3" >expect &&
	if ! cmp -s expect err; then
		echo "expected: $(cat expect)" >&2
		echo "got:      $(cat err)" >&2
		return 1
	fi
}

# The shipped files name the model beside them (make install puts it
# there); here it is the one this build trained.
MODEL="-o classifier.model=$BUILD/router.model"

test_expect_success 'the shipped papigw.conf is valid' '
	"$PAPIGWD" -n -c "$CONF_DIR/papigw.conf" $MODEL >out 2>err &&
	echo "configuration OK" >expect && cmp expect out && test ! -s err
'

test_expect_success 'the development dev.conf is valid' '
	"$PAPIGWD" -n -c "$CONF_DIR/dev.conf" $MODEL >out &&
	echo "configuration OK" >expect && cmp expect out
'

test_expect_success 'a test configuration is valid' '
	write_conf good.conf && "$PAPIGWD" -n -c good.conf
'

test_expect_success 'syntax error' '
	write_conf syntax.conf "cases = { prefix = = \"PA\"; };" &&
	check_broken syntax 6 "syntax error"
'

test_expect_success 'unknown setting, with a suggestion' '
	write_conf unknown.conf "cases = { prefx = \"PA\"; };" &&
	check_broken unknown 6 "unknown setting '"'prefx'"' (did you mean '"'prefix'"'?)"
'

test_expect_success 'unknown top-level group' '
	write_conf group.conf "sms = { };" &&
	check_broken group 6 "unknown setting '"'sms'"'"
'

test_expect_success 'out-of-range number' '
	write_conf range.conf &&
	sed -i "s/^storage = { /&batch_max = 0; /" range.conf &&
	check_broken range 3 "batch_max: 0 is out of range (1 to 10000)"
'

test_expect_success 'wrong type' '
	write_conf type.conf "cases = { prefix = 7; };" &&
	check_broken type 6 "prefix: expected a string in double quotes"
'

test_expect_success 'missing file for a _file secret' '
	write_conf secret.conf "channels = ( { name = \"tw\"; type = \"twilio\";
	    token_file = \"$TRASH/none.token\"; } );" &&
	check_broken secret 7 "token_file: $TRASH/none.token: No such file or directory"
'

test_expect_success 'a secret never appears in an error' '
	printf "supersecret\n" >tok && chmod 600 tok &&
	write_conf sec2.conf "channels = ( { name = \"tw\"; type = \"twilio\";
	    token_file = \"$TRASH/tok\"; number = 5; } );" &&
	test_must_fail "$PAPIGWD" -n -c sec2.conf 2>err &&
	test_grep "number: expected a string" err &&
	! grep -q supersecret err
'

test_expect_success 'duplicate category id' '
	sed "0,/id = \"security\"/s//id = \"corruption\"/" \
	    "$CONF_DIR/categories.conf" >categories.dup &&
	write_conf dup.conf &&
	sed -i "s/categories.conf/categories.dup/" dup.conf &&
	line=$(grep -n "id = \"corruption\"" categories.dup | sed -n 2p |
	    cut -d: -f1) &&
	first=$(grep -n "id = \"corruption\"" categories.dup | sed -n 1p |
	    cut -d: -f1) &&
	test_exit_status 1 "$PAPIGWD" -n -c "$TRASH/dup.conf" 2>err &&
	echo "$TRASH/categories.dup:$line: duplicate category id '"'corruption'"' (first at line $first)" >expect &&
	{ cmp expect err || { cat expect err >&2; false; }; }
'

test_expect_success 'bad listen address' '
	write_conf listen.conf &&
	sed -i "s/^http = .*/http = { listen = \"localhost:8080\"; };/" \
	    listen.conf &&
	check_broken listen 4 "http.listen: '"'localhost:8080'"' is not ADDR:PORT (an IPv4 or [IPv6] address and a port from 1 to 65535)"
'

test_expect_success 'unknown channel type' '
	write_conf ctype.conf "channels = ( { name = \"m\"; type = \"gsm\"; } );" &&
	check_broken ctype 6 "type: '"'gsm'"' is not one of: modem, twilio, africastalking, vonage, generic"
'

test_expect_success 'modem channel without a device' '
	write_conf nodev.conf "channels = ( { name = \"m\"; type = \"modem\"; } );" &&
	check_broken nodev 6 "channel '"'m'"': a modem channel needs '"'device'"'"
'

test_expect_success 'unknown template variable' '
	sed "0,/^ *ack_vi.*{ref}/s/{ref}/{date}/" "$CONF_DIR/categories.conf" \
	    >categories.tpl &&
	line=$(grep -n "{date}" categories.tpl | cut -d: -f1) &&
	write_conf tpl.conf && sed -i "s/categories.conf/categories.tpl/" tpl.conf &&
	test_exit_status 1 "$PAPIGWD" -n -c "$TRASH/tpl.conf" 2>err &&
	test_grep "^$TRASH/categories.tpl:$line: ack_vi: unknown variable {date}" err
'

test_expect_success 'triage category that does not exist' '
	cat >triage.conf <<-\EOF &&
	ward = { name = "P7"; };
	router = {
	    threshold = 1.0;
	    triage = "other";
	};
	categories = ( { id = "general"; name_vi = "Chung"; ack_vi = "{ref}";
	    explain_vi = "."; subcategories = (); } );
	EOF
	check_broken triage 4 "router.triage: no category '"'other'"'"
'

test_expect_success 'bad log level' '
	write_conf level.conf &&
	sed -i "s/level = \"debug\"/level = \"verbose\"/" level.conf &&
	check_broken level 1 "level: '"'verbose'"' is not one of: error, warning, notice, info, debug"
'

test_expect_success 'missing configuration file' '
	test_exit_status 1 "$PAPIGWD" -n -c "$TRASH/nothing.conf" 2>err &&
	echo "$TRASH/nothing.conf: cannot read: No such file or directory" >expect &&
	cmp expect err
'

test_expect_success '-o overrides a setting and is checked like the file' '
	write_conf o.conf &&
	test_exit_status 1 "$PAPIGWD" -n -c o.conf \
	    -o channels.modem.enabled=false 2>err &&
	echo "-o channels.modem.enabled=false: unknown setting" >expect &&
	cmp expect err &&
	"$PAPIGWD" -n -c o.conf -o storage.path=/tmp/x.db -o http.threads=2 &&
	test_exit_status 1 "$PAPIGWD" -n -c o.conf -o http.threads=0 2>err &&
	echo "-o http.threads=0: threads: 0 is out of range (1 to 64)" >expect &&
	cmp expect err &&
	test_exit_status 1 "$PAPIGWD" -n -c o.conf -o http.treads=2 2>err &&
	echo "-o http.treads=2: unknown setting" >expect && cmp expect err &&
	test_exit_status 1 "$PAPIGWD" -n -c o.conf -o storage 2>err &&
	test_grep "expected KEY=VALUE" err
'

test_expect_success '-o reaches list elements by name and by index' '
	"$PAPIGWD" -n -c "$CONF_DIR/dev.conf" $MODEL \
	    -o channels.modem.enabled=false \
	    -o "categories.[0].deadline_days=20" \
	    -o categories.security.deadline_days=2 &&
	test_exit_status 1 "$PAPIGWD" -n -c "$CONF_DIR/dev.conf" $MODEL \
	    -o categories.security.deadline_days=200 2>err &&
	test_grep "^-o categories.security.deadline_days=200: deadline_days: 200 is out of range" err
'

test_expect_success 'papictl check-config agrees with papigwd -n' '
	"$PAPICTL" -c "$CONF_DIR/papigw.conf" $MODEL check-config >out &&
	echo "configuration OK" >expect && cmp expect out &&
	test_exit_status 1 "$PAPICTL" -c "$TRASH/range.conf" check-config 2>err &&
	test_grep "range.conf:3: batch_max: 0 is out of range" err &&
	"$PAPICTL" --json -c "$TRASH/range.conf" check-config >out;
	test_grep "\"ok\": *false" out
'

test_expect_success 'usage, --version and --help' '
	"$PAPIGWD" --version >out && test_grep "^papigwd [0-9]" out &&
	"$PAPIGWD" --help >out && test_grep "usage: papigwd \[-dn\] \[-c file\] \[-o key=value\]" out &&
	test_exit_status 2 "$PAPIGWD" -x 2>err && test_grep "usage:" err &&
	test_exit_status 2 "$PAPIGWD" extra 2>err &&
	test_exit_status 2 "$PAPICTL" 2>err && test_grep "usage: papictl" err &&
	test_exit_status 2 "$PAPICTL" frobnicate 2>err &&
	test_grep "unknown command" err &&
	"$PAPICTL" --version >out && test_grep "^papictl [0-9]" out
'

test_done
