# lib-announce.sh: helpers for the tests of subscriptions and
# announcements (t70xx), sourced after lib.sh, lib-ctl.sh, lib-http.sh
# and lib-fake.sh.
#
#	pub_conf FILE EXTRA	a test configuration with the shipped replies,
#				topics, news topics and announce group, three
#				areas (kp1, its tổ kp1-t3, kp2), a generic
#				channel to the fake provider (or the channels
#				of $PUB_CHANNELS) and EXTRA
#	say_sms NUMBER TEXT	a message in through papictl inject
#	subs NUMBER		NUMBER's subscriptions, "kind:value" a line
#	ann_sent CODE		how many requests the fake provider saw with
#				CODE in their text
#	ann_twice CODE		how many numbers got CODE more than once

pub_conf() {
	pub_channels=${PUB_CHANNELS:-"{ name = \"gen\"; type = \"generic\";
    base_url = \"http://127.0.0.1:${fake_port:-9}\"; ${CHANNEL_EXTRA:-} }"}
	sed -n "/^replies = {/,/^};/p; /^topics = (/,/^);/p;
	    /^news_topics = (/,/^);/p; /^announce = {/,/^};/p" \
	    "$CONF_DIR/papigw.conf" >pub.conf &&
	ctl_conf "$1" "
channels = ( $pub_channels );
areas = (
	{ id = \"kp1\"; name = \"Khu phố 1\"; words = [ \"khu phố 1\", \"kp1\" ]; },
	{ id = \"kp1-t3\"; name = \"Tổ 3 khu phố 1\"; within = \"kp1\";
	    words = [ \"kp1 t3\", \"to 3 kp1\" ]; },
	{ id = \"kp2\"; name = \"Khu phố 2\"; words = [ \"khu phố 2\", \"kp2\" ]; }
);
$(cat pub.conf)
${2:-}"
}

say_sms() {
	ctl inject --from "$1" "$2" >/dev/null
}

subs() {
	sql "SELECT kind || ':' || value FROM subscriptions
	    WHERE number = '$1' ORDER BY kind, value"
}

ann_sent() {
	fake_count "(.params.text // \"\") | contains(\"[$1]\")"
}

ann_twice() {
	fake_q "map(select((.params.text // \"\") | contains(\"[$1]\")) |
	    .params.to) | group_by(.) | map(select(length > 1)) | length"
}
