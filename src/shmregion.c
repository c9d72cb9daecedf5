/*
 * shmregion.c - memfd regions, mapped shared, and their seals (shmregion.h).
 *
 * Create is memfd_create + ftruncate + mmap; open is fstat + mmap of a
 * descriptor someone handed over. Both end in map(), the one place that
 * calls mmap. The memory check comes first, before memfd_create.
 */
#include "shmregion.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "measure.h"

static int map(struct shmregion *r, bool writable)
{
	int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
	void *p = mmap(NULL, r->len, prot, MAP_SHARED, r->fd, 0);

	if (p == MAP_FAILED) {
		r->data = NULL;
		return -1;
	}
	r->data = p;
	r->writable = writable;
	return 0;
}

int shmregion_create(struct shmregion *r, const char *name, size_t len)
{
	REQUIRE(len > 0);
	*r = (struct shmregion){ .fd = -1 };
	if (len > measure_available_memory() || len > (size_t)INT64_MAX) {
		errno = ENOMEM;
		return -1;
	}
	r->fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (r->fd < 0)
		return -1;
	r->len = len;
	if (ftruncate(r->fd, (off_t)len) < 0 || map(r, true) < 0) {
		shmregion_close(r);
		return -1;
	}
	return 0;
}

int shmregion_open(struct shmregion *r, int fd, bool writable)
{
	struct stat st;

	*r = (struct shmregion){ .fd = fd };
	if (fstat(fd, &st) < 0)
		goto out_close;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		errno = EINVAL;	/* not a region, or an empty one */
		goto out_close;
	}
	r->len = (size_t)st.st_size;
	if (map(r, writable) < 0)
		goto out_close;
	return 0;
out_close:
	shmregion_close(r);
	return -1;
}

void shmregion_unmap(struct shmregion *r)
{
	if (r->data)
		munmap(r->data, r->len);
	r->data = NULL;
	r->writable = false;
}

int shmregion_remap(struct shmregion *r, bool writable)
{
	REQUIRE(r->fd >= 0);
	shmregion_unmap(r);
	if (map(r, writable) < 0) {
		shmregion_close(r);
		return -1;
	}
	return 0;
}

void shmregion_close(struct shmregion *r)
{
	int saved = errno;	/* keep the errno of a failure that brought us here */

	if (r->data)
		munmap(r->data, r->len);
	if (r->fd >= 0)
		close(r->fd);
	*r = (struct shmregion){ .fd = -1 };
	errno = saved;
}

int shmregion_seal(const struct shmregion *r, unsigned seals)
{
	return fcntl(r->fd, F_ADD_SEALS, (int)seals) < 0 ? -1 : 0;
}

int shmregion_seals(int fd)
{
	return fcntl(fd, F_GET_SEALS);
}
