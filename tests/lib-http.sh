# lib-http.sh: helpers for the tests that talk HTTP to papigwd, sourced
# after lib.sh by the t1xxx scripts.
#
# Requests go to 127.0.0.1:$port (the port write_conf chose).  Each
# request helper leaves the status code in ./status, the body in ./body
# and the response headers in ./headers, and returns curl's exit status.
# Parameters are given as NAME=VALUE words; the value is URL-encoded.

# http PATH CURL-ARGS...: one request.
http() {
	path=$1
	shift
	curl -s -o body -D headers -w '%{http_code}' "$@" \
	    "http://127.0.0.1:$port$path" >status
}

# post PATH NAME=VALUE... [-- CURL-ARGS...]: a form POST; the words after
# "--" go to curl as they are (headers, for example).
post() {
	path=$1
	shift
	verbatim=0
	for kv; do
		if [ $verbatim = 1 ]; then
			set -- "$@" "$kv"
		elif [ "$kv" = -- ]; then
			verbatim=1
		else
			set -- "$@" --data-urlencode "$kv"
		fi
		shift
	done
	if [ "${_get:-0}" = 1 ]; then
		set -- "$@" -G
	fi
	http "$path" "$@"
}

# get PATH NAME=VALUE... [-- CURL-ARGS...]: a GET with the parameters in
# the query.
get() {
	_get=1
	post "$@"
	st=$?
	_get=0
	return $st
}

# test_status CODE: the last request's status must be CODE.
test_status() {
	if [ "$(cat status)" != "$1" ]; then
		echo "expected HTTP $1, got $(cat status):" >&2
		sed 's/^/| /' body >&2
		return 1
	fi
}

# test_body TEXT: the last request's body must be TEXT (the final
# newline aside).
test_body() {
	if [ "$(cat body)" != "$1" ]; then
		echo "expected body '$1', got:" >&2
		sed 's/^/| /' body >&2
		return 1
	fi
}

# q SQL: runs SQL on the test's store and prints the result.
q() {
	store_sql "$1"
}

# rows TABLE [COLUMN=VALUE]...: how many rows of TABLE have those values.
rows() {
	table=$1
	shift
	where=""
	for kv; do
		v=$(printf '%s' "${kv#*=}" | sed "s/'/''/g")
		where="$where AND ${kv%%=*} = '$v'"
	done
	q "SELECT count(*) FROM $table WHERE 1 = 1$where"
}

# metric NAME{LABELS}: the value of one sample in /metrics (empty when
# there is no such sample).
metric() {
	curl -s "http://127.0.0.1:$port/metrics" |
	    awk -v k="$1" '$1 == k { print $2 }'
}

# twilio_sig TOKEN URL NAME=VALUE...: X-Twilio-Signature as Twilio
# computes it: the URL, then each parameter's name and value sorted by
# name, HMAC-SHA1 keyed with the auth token, base64.
twilio_sig() {
	token=$1
	url=$2
	shift 2
	{
		printf '%s' "$url"
		printf '%s\n' "$@" | LC_ALL=C sort -s -t= -k1,1 |
		    sed 's/=//' | tr -d '\n'
	} | openssl dgst -sha1 -hmac "$token" -binary | base64
}

# vonage_sig SECRET NAME=VALUE...: Vonage's md5hash "sig": the parameters
# sorted by name as "&name=value", with '&' and '=' in values replaced by
# '_', then md5 of that text followed by the secret, in hex.
vonage_sig() {
	secret=$1
	shift
	{
		printf '%s\n' "$@" | LC_ALL=C sort -s -t= -k1,1 |
		    while IFS= read -r kv; do
			printf '&%s=%s' "${kv%%=*}" \
			    "$(printf '%s' "${kv#*=}" | tr '&=' '__')"
		    done
		printf '%s' "$secret"
	} | md5sum | cut -d' ' -f1
}
