/*
 * predictions.c - the learner's predictions file: check it, add a row,
 * replace it whole.
 *
 * predictions_append reads the old file into memory (it is small: a few
 * rows per lesson), checks every row with predictions_valid, counts the
 * earlier attempts at the same question, then writes the old rows and the
 * new one to predictions.csv.tmp.PID beside it and renames that into place.
 * A damaged old file is first moved aside with link + unlink, which, unlike
 * rename, never replaces a file that is already there.
 */
#include "predictions.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (4u << 20) /* far beyond years of guesses */
#define FIELDS 8

#ifndef DEMO_STATE_DIR
#define DEMO_STATE_DIR ".workbench"
#endif

const char *predictions_dir(void)
{
	const char *dir = getenv("WORKBENCH_STATE");

	return dir && *dir ? dir : DEMO_STATE_DIR;
}

/* --- Checking ------------------------------------------------------------ */

static int all_of(const char *s, size_t n, const char *allowed)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(allowed, s[i]) || s[i] == '\0')
			return 0;
	return 1;
}

/* A number strtod reads whole, finite; "" only when empty_ok. */
static int is_number(const char *s, size_t n, int empty_ok, double *out)
{
	char buf[64], *end;

	if (n == 0)
		return empty_ok;
	if (n >= sizeof(buf) || !all_of(s, n, "0123456789.-+eE"))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out);
}

static int is_when(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (n != sizeof(shape) - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9'
				    : s[i] != shape[i])
			return 0;
	return 1;
}

static int is_unit(const char *s, size_t n)
{
	static const char *const units[] = { "ratio", "bytes", "ns", "count" };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i]) == n && memcmp(units[i], s, n) == 0)
			return 1;
	return 0;
}

/* Check one row, [s, s + n) without its newline, field by field. */
static int row_valid(const char *s, size_t n)
{
	const char *f[FIELDS];
	size_t len[FIELDS], k = 0;
	double x = 0;

	f[0] = s;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ',')
			continue;
		if (k == FIELDS)
			return 0;
		len[k] = (size_t)(s + i - f[k]);
		if (++k < FIELDS)
			f[k] = s + i + 1;
	}
	return k == FIELDS && is_when(f[0], len[0]) && len[1] == 2 &&
	       all_of(f[1], 2, "0123456789") && len[2] > 0 && len[2] < 64 &&
	       all_of(f[2], len[2], "abcdefghijklmnopqrstuvwxyz0123456789-") &&
	       len[3] > 0 && len[3] < 7 && f[3][0] != '0' &&
	       all_of(f[3], len[3], "0123456789") &&
	       is_number(f[4], len[4], 0, &x) && x > 0 &&
	       is_unit(f[5], len[5]) && is_number(f[6], len[6], 1, &x) &&
	       (len[7] == 0 || (is_number(f[7], len[7], 0, &x) && x >= 1));
}

int predictions_valid(const char *text, size_t len)
{
	size_t head = strlen(PREDICTIONS_HEADER);
	const char *p = text + head + 1, *end = text + len;

	if (len <= head || memcmp(text, PREDICTIONS_HEADER, head) != 0 ||
	    text[head] != '\n' || text[len - 1] != '\n')
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!row_valid(p, (size_t)(nl - p)))
			return 0;
		p = nl + 1;
	}
	return 1;
}

/* Rows of text already kept for lesson and question. */
static int attempts_before(const char *text, size_t len,
			   const struct prediction *p)
{
	char key[96];
	int n = 0, klen;

	klen = snprintf(key, sizeof(key), ",%s,%s,", p->lesson, p->question);
	for (const char *at = text; at && at < text + len;) {
		const char *nl = memchr(at, '\n', (size_t)(text + len - at));
		const char *comma = memchr(at, ',', (size_t)(nl - at));

		if (comma && nl - comma > klen &&
		    memcmp(comma, key, (size_t)klen) == 0)
			n++;
		at = nl + 1;
	}
	return n;
}

/* --- Reading, setting aside, writing ------------------------------------ */

/*
 * The whole of path into *text (NUL-terminated), or NULL when there is no
 * such file; a file longer than MAX_FILE comes back MAX_FILE + 1 bytes long.
 * Returns 0, or -1 with errno.
 */
static int read_whole(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *buf;
	ssize_t got = 0;
	int saved;

	*text = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	buf = malloc(MAX_FILE + 2);
	if (!buf)
		goto out_close;
	while (*len <= MAX_FILE) {
		got = read(fd, buf + *len, MAX_FILE + 1 - *len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		*len += (size_t)got;
	}
	if (got < 0)
		goto out_free;
	buf[*len] = '\0';
	*text = buf;
	close(fd);
	return 0;
out_free:
	free(buf);
out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Move path to path.damaged-N, the first N not taken; the name into out. */
static int set_aside(const char *path, char *out, size_t len)
{
	for (int n = 1; n < 1000; n++) {
		snprintf(out, len, "%s.damaged-%d", path, n);
		if (link(path, out) == 0)
			return unlink(path);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static void format_number(char *buf, size_t len, double x)
{
	if (isnan(x))
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.6g", x);
}

/* Write old (already checked) and the new row to tmp, flushed to disk. */
static int write_file(const char *tmp, const char *old, size_t oldlen,
		      const struct prediction *p, int attempt)
{
	char when[32], guess[32], measured[32], factor[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int bad;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	format_number(guess, sizeof(guess), p->guess);
	format_number(measured, sizeof(measured), p->measured);
	format_number(factor, sizeof(factor), p->factor);
	if (oldlen)
		fwrite(old, 1, oldlen, f);
	else
		fprintf(f, "%s\n", PREDICTIONS_HEADER);
	fprintf(f, "%s,%s,%s,%d,%s,%s,%s,%s\n", when, p->lesson, p->question,
		attempt, guess, p->unit, measured, factor);
	bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	if (fclose(f) != 0 || bad)
		return -1;
	return 0;
}

int predictions_append(const char *dir, const struct prediction *p,
		       char *setaside, size_t len)
{
	char path[4096], tmp[4200];
	char *old = NULL;
	size_t oldlen = 0;
	int attempt = -1;

	setaside[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/predictions.csv", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((mkdir(dir, 0755) < 0 && errno != EEXIST) ||
	    read_whole(path, &old, &oldlen) < 0)
		return -1;
	if (old && (oldlen > MAX_FILE || !predictions_valid(old, oldlen))) {
		if (set_aside(path, setaside, len) < 0)
			goto out_free;
		oldlen = 0;
	}
	attempt = 1 + (oldlen ? attempts_before(old, oldlen, p) : 0);
	if (write_file(tmp, old, oldlen, p, attempt) < 0 ||
	    rename(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		errno = saved;
		attempt = -1;
	}
out_free:
	free(old);
	return attempt;
}
