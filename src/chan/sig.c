/*
 * sig.c: webhook signatures, on OpenSSL.
 *
 * Twilio signs a request with X-Twilio-Signature: base64 of HMAC-SHA1,
 * keyed with the auth token, over the public URL followed, for a form
 * POST, by every parameter's name and value sorted by name.  Twilio's
 * SDKs accept the URL with and without the scheme's default port, and so
 * does sig_twilio_check().
 *
 * Vonage signs with "sig": the other parameters sorted by name as
 * "&name=value" (with '&' and '=' in values replaced by '_'), then either
 * md5(text + secret) or an HMAC (MD5, SHA-1, SHA-256 or SHA-512) of the
 * text keyed with the secret, in hex, compared without regard to case.
 *
 * Generic and Africa's Talking channels sign nothing; their endpoints can
 * ask for a shared secret instead, as HTTP Basic credentials
 * (sig_basic_check()) or as a parameter (sig_secret_equal()).
 *
 * Every comparison runs in constant time (CRYPTO_memcmp); secrets of
 * different lengths are compared through their SHA-256, so that not even
 * the length leaks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "chan/sig.h"
#include "base/util.h"
#include "conf/config.h"
#include "chan/http.h"

#define SIG_TEXT_MAX	(64 * 1024)	/* bytes signed, at most */

static int
param_cmp(const void *a, const void *b)
{
	const struct http_param *const *pa = a, *const *pb = b;

	return strcmp((*pa)->key, (*pb)->key);
}

/* Sorted pointers to params (a stable order for equal names). */
static const struct http_param **
sorted(const struct http_param *params, size_t n)
{
	const struct http_param	**v;
	size_t			  i;

	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = &params[i];
	qsort(v, n, sizeof(*v), param_cmp);
	return v;
}

/* Appends s to buf (len, bounded by SIG_TEXT_MAX); -1 when full. */
static int
append(char *buf, size_t *len, const char *s, size_t slen)
{
	if (*len + slen >= SIG_TEXT_MAX)
		return -1;
	memcpy(buf + *len, s, slen);
	*len += slen;
	buf[*len] = '\0';
	return 0;
}

/*
 * The URL with its scheme's default port added when it has none, or
 * removed when it has it; NULL when neither applies.  Caller frees.
 */
static char *
url_port_variant(const char *url)
{
	const char	*host, *slash, *colon;
	const char	*port;
	size_t		 hostlen;
	char		*out;

	if (strncmp(url, "https://", 8) == 0) {
		host = url + 8;
		port = "443";
	} else if (strncmp(url, "http://", 7) == 0) {
		host = url + 7;
		port = "80";
	} else
		return NULL;
	slash = host + strcspn(host, "/?#");
	colon = memchr(host, ':', (size_t)(slash - host));
	hostlen = (size_t)((colon != NULL ? colon : slash) - url);
	out = xcalloc(1, strlen(url) + 8);
	if (colon == NULL) {
		memcpy(out, url, hostlen);
		sprintf(out + hostlen, ":%s%s", port, slash);
	} else if ((size_t)(slash - colon - 1) == strlen(port) &&
	    strncmp(colon + 1, port, strlen(port)) == 0) {
		memcpy(out, url, hostlen);
		strcpy(out + hostlen, slash);
	} else {
		free(out);
		return NULL;
	}
	return out;
}

/* base64(HMAC-SHA1(key, text)) into out (at least 29 bytes). */
static void
twilio_digest(const char *key, const char *text, size_t len, char *out)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	HMAC(EVP_sha1(), key, (int)strlen(key), (const unsigned char *)text,
	    len, md, &mdlen);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
}

/*
 * Computes the Twilio signature of url and params (params NULL for a GET,
 * whose parameters are in the URL) into out, at least 29 bytes.  Returns
 * 0, or -1 when the text to sign is too large.
 */
int
sig_twilio(const char *token, const char *url,
    const struct http_param *params, size_t n, char *out)
{
	const struct http_param	**v = NULL;
	char			 *text;
	size_t			  len = 0, i;
	int			  rc = -1;

	text = xcalloc(1, SIG_TEXT_MAX);
	if (append(text, &len, url, strlen(url)) == -1)
		goto done;
	if (params != NULL) {
		v = sorted(params, n);
		for (i = 0; i < n; i++)
			if (append(text, &len, v[i]->key,
			    strlen(v[i]->key)) == -1 ||
			    append(text, &len, v[i]->val, v[i]->vlen) == -1)
				goto done;
	}
	twilio_digest(token, text, len, out);
	rc = 0;
done:
	free(v);
	free(text);
	return rc;
}

/*
 * Checks X-Twilio-Signature sig for a request to url (the public URL as
 * configured at Twilio, with the request's query string) with the form
 * params.  Returns 1 when it matches, with or without the default port.
 */
int
sig_twilio_check(const char *token, const char *url,
    const struct http_param *params, size_t n, const char *sig)
{
	char	 want[64], *alt;
	int	 ok = 0;

	if (sig == NULL || token == NULL || *token == '\0')
		return 0;
	if (sig_twilio(token, url, params, n, want) == 0 &&
	    strlen(sig) == strlen(want) &&
	    CRYPTO_memcmp(sig, want, strlen(want)) == 0)
		ok = 1;
	if (!ok && (alt = url_port_variant(url)) != NULL) {
		if (sig_twilio(token, alt, params, n, want) == 0 &&
		    strlen(sig) == strlen(want) &&
		    CRYPTO_memcmp(sig, want, strlen(want)) == 0)
			ok = 1;
		free(alt);
	}
	return ok;
}

static void
hex(const unsigned char *md, unsigned len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned		i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * len] = '\0';
}

/*
 * The text Vonage signs: every parameter but "sig", sorted, as
 * "&name=value" with '&' and '=' in values turned into '_'.  Caller frees.
 */
static char *
vonage_text(const struct http_param *params, size_t n, size_t *lenp)
{
	const struct http_param	**v = sorted(params, n);
	char			 *text = xcalloc(1, SIG_TEXT_MAX);
	size_t			  len = 0, i, j;
	char			  c;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->key, "sig") == 0)
			continue;
		if (append(text, &len, "&", 1) == -1 ||
		    append(text, &len, v[i]->key, strlen(v[i]->key)) == -1 ||
		    append(text, &len, "=", 1) == -1)
			goto toolong;
		for (j = 0; j < v[i]->vlen; j++) {
			c = v[i]->val[j];
			if (c == '&' || c == '=')
				c = '_';
			if (append(text, &len, &c, 1) == -1)
				goto toolong;
		}
	}
	free(v);
	*lenp = len;
	return text;
toolong:
	free(v);
	free(text);
	return NULL;
}

/*
 * Checks a Vonage "sig" over params with secret, trying md5hash and the
 * HMAC methods.  Returns 1 when one matches.
 */
int
sig_vonage_check(const char *secret, const struct http_param *params,
    size_t n, const char *sig)
{
	const EVP_MD	*mds[4];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	char		 want[2 * EVP_MAX_MD_SIZE + 1];
	char		 got[2 * EVP_MAX_MD_SIZE + 1];
	char		*text, *salted;
	size_t		 len, siglen, i;
	int		 ok = 0;

	if (sig == NULL || secret == NULL || *secret == '\0')
		return 0;
	siglen = strlen(sig);
	if (siglen >= sizeof(got))
		return 0;
	for (i = 0; i < siglen; i++)
		got[i] = (char)tolower((unsigned char)sig[i]);
	got[siglen] = '\0';
	if ((text = vonage_text(params, n, &len)) == NULL)
		return 0;

	/* md5hash: md5(text + secret). */
	salted = xcalloc(1, len + strlen(secret) + 1);
	memcpy(salted, text, len);
	memcpy(salted + len, secret, strlen(secret));
	mdlen = 0;
	EVP_Digest(salted, len + strlen(secret), md, &mdlen, EVP_md5(), NULL);
	free(salted);
	hex(md, mdlen, want);
	if (strlen(want) == siglen && CRYPTO_memcmp(want, got, siglen) == 0)
		ok = 1;

	mds[0] = EVP_md5();
	mds[1] = EVP_sha1();
	mds[2] = EVP_sha256();
	mds[3] = EVP_sha512();
	for (i = 0; i < 4 && !ok; i++) {
		mdlen = 0;
		HMAC(mds[i], secret, (int)strlen(secret),
		    (const unsigned char *)text, len, md, &mdlen);
		hex(md, mdlen, want);
		if (strlen(want) == siglen &&
		    CRYPTO_memcmp(want, got, siglen) == 0)
			ok = 1;
	}
	free(text);
	return ok;
}

/*
 * Whether the len bytes at given are the secret want, in a time that
 * depends on neither.  Returns 1 or 0.
 */
int
sig_secret_equal(const char *given, size_t len, const char *want)
{
	unsigned char	a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int	alen = 0, blen = 0;

	if (given == NULL || want == NULL || *want == '\0')
		return 0;
	if (!EVP_Digest(given, len, a, &alen, EVP_sha256(), NULL) ||
	    !EVP_Digest(want, strlen(want), b, &blen, EVP_sha256(), NULL) ||
	    alen != blen)
		return 0;
	return CRYPTO_memcmp(a, b, alen) == 0;
}

/*
 * Checks an Authorization header (or NULL) for HTTP Basic credentials
 * user:secret.  Returns 1 when they are those.
 */
int
sig_basic_check(const char *user, const char *secret, const char *header)
{
	unsigned char	*dec;
	char		*colon;
	size_t		 hlen;
	int		 n, ok = 0;

	if (header == NULL || strncasecmp(header, "Basic ", 6) != 0)
		return 0;
	header += 6;
	while (*header == ' ')
		header++;
	hlen = strlen(header);
	if (hlen == 0 || hlen > 4 * CONF_SECRET_MAX || hlen % 4 != 0)
		return 0;
	dec = xcalloc(1, hlen / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock(dec, (const unsigned char *)header,
	    (int)hlen)) < 0)
		goto done;
	/* EVP_DecodeBlock() counts the padding as zero bytes. */
	if (hlen >= 1 && header[hlen - 1] == '=')
		n--;
	if (hlen >= 2 && header[hlen - 2] == '=')
		n--;
	if ((colon = memchr(dec, ':', (size_t)n)) == NULL)
		goto done;
	/* Both compared, whatever the first says. */
	ok = sig_secret_equal((char *)dec, (size_t)(colon - (char *)dec),
	    user);
	ok &= sig_secret_equal(colon + 1, (size_t)n -
	    (size_t)(colon + 1 - (char *)dec), secret);
done:
	explicit_bzero(dec, hlen / 4 * 3 + 1);
	free(dec);
	return ok;
}
