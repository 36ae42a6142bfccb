# bench/lib.awk: the functions the benchmarks' awk programs share
# (bench/pg, bench/ingest, bench/e2e), put before each program's text:
#
#	AWKLIB=$(cat bench/lib.awk)
#	awk -v x=1 "$AWKLIB"'
#	/ 99% / { print ms($2) }' file
#
# (mawk takes no program text beside -f, and some programs read their
# data on the standard input.)

# ms(S): wrk's duration S ("850.00us", "12.34ms", "1.20s") in milliseconds.
function ms(s) {
	if (s ~ /ms$/) return s + 0
	if (s ~ /us$/) return s / 1000
	if (s ~ /s$/) return s * 1000
	return s + 0
}

# secs(S): wrk's duration S ("10.01s", "500.00ms", "1.00m") in seconds.
function secs(s) {
	if (s ~ /ms$/) return s * 1e-3
	if (s ~ /us$/) return s * 1e-6
	if (s ~ /m$/) return s * 60
	return s + 0
}

# median(A, N): the median of A[1..N], which it sorts.
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
