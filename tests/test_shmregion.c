/*
 * test_shmregion.c - memfd regions: shared across a fork, and their seals.
 *
 * Every seal is shown refusing what it should, with the errno the manual
 * page (memfd_create(2), fcntl(2) "File Sealing") names: F_SEAL_SHRINK
 * and F_SEAL_GROW refuse ftruncate with EPERM, F_SEAL_WRITE cannot be
 * added while a writable shared mapping exists (EBUSY), and
 * F_SEAL_FUTURE_WRITE lets the mapping already there write while a new
 * write(2) or writable mapping gets EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "checksum.h"
#include "peer.h"
#include "shmregion.h"

#define LEN (16 * 4096)

static int create(void **state)
{
	struct shmregion *r = test_malloc(sizeof(*r));

	if (shmregion_create(r, "test", LEN) < 0) {
		test_free(r);
		return -1;
	}
	for (size_t i = 0; i < LEN; i++)
		r->data[i] = (unsigned char)(i * 7 + 1);
	*state = r;
	return 0;
}

static int destroy(void **state)
{
	shmregion_close(*state);
	test_free(*state);
	return 0;
}

static void a_new_region_is_mapped_shared_and_unsealed(void **state)
{
	struct shmregion *r = *state;

	assert_int_equal(r->len, LEN);
	assert_true(r->writable);
	assert_int_equal(shmregion_seals(r->fd), 0);
}

static void a_region_larger_than_memory_is_refused_before_mapping(void **state)
{
	struct shmregion big;

	(void)state;
	errno = 0;
	assert_int_equal(shmregion_create(&big, "big", SIZE_MAX / 2), -1);
	assert_int_equal(errno, ENOMEM);
	assert_null(big.data);
	assert_int_equal(big.fd, -1);
}

/* The child maps the descriptor it was handed and checks the bytes. */
static int child_checks_the_region(int sock, void *arg)
{
	struct shmregion mine;
	uint64_t expected = *(const uint64_t *)arg;
	int fd = peer_receive_fd(sock);

	if (fd < 0 || shmregion_open(&mine, fd, true) < 0)
		return 10;
	if (checksum_bytes(mine.data, mine.len) != expected)
		return 11;
	memcpy(mine.data, "child", 5);	/* the Google Doc: the parent sees it */
	shmregion_close(&mine);
	return 0;
}

static void a_handed_over_region_is_the_same_memory(void **state)
{
	struct shmregion *r = *state;
	uint64_t sum = checksum_bytes(r->data, r->len);
	struct peer p;

	assert_int_equal(peer_start(&p, child_checks_the_region, &sum), 0);
	assert_int_equal(peer_send_fd(p.sock, r->fd), 0);
	assert_int_equal(peer_stop(&p, PEER_TIMEOUT_MS), 0);
	assert_memory_equal(r->data, "child", 5);
}

static void shrink_and_grow_seals_refuse_ftruncate(void **state)
{
	struct shmregion *r = *state;

	assert_int_equal(shmregion_seal(r, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	errno = 0;
	assert_int_equal(ftruncate(r->fd, LEN / 2), -1);
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_int_equal(ftruncate(r->fd, LEN * 2), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(shmregion_seals(r->fd), F_SEAL_SHRINK | F_SEAL_GROW);
}

static void write_seal_is_busy_while_a_writable_mapping_exists(void **state)
{
	struct shmregion *r = *state;

	errno = 0;
	assert_int_equal(shmregion_seal(r, F_SEAL_WRITE), -1);
	assert_int_equal(errno, EBUSY);
	/* Read-only is not enough: mprotect could make it writable again. */
	assert_int_equal(shmregion_remap(r, false), 0);
	errno = 0;
	assert_int_equal(shmregion_seal(r, F_SEAL_WRITE), -1);
	assert_int_equal(errno, EBUSY);
	shmregion_unmap(r);
	assert_int_equal(shmregion_seal(r, F_SEAL_WRITE), 0);
	assert_int_equal(shmregion_remap(r, false), 0);
	assert_int_equal(r->data[1], 8);	/* still readable: i * 7 + 1 */
	errno = 0;
	assert_int_equal(write(r->fd, "x", 1), -1);
	assert_int_equal(errno, EPERM);
	assert_ptr_equal(mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			      r->fd, 0), MAP_FAILED);
	assert_int_equal(errno, EPERM);
}

static void future_write_seal_keeps_the_old_pen_and_refuses_new_ones(void **state)
{
	struct shmregion *r = *state;
	struct shmregion again;

	assert_int_equal(shmregion_seal(r, F_SEAL_FUTURE_WRITE), 0);
	r->data[0] = 'A';	/* the mapping made before the seal still writes */
	assert_int_equal(r->data[0], 'A');
	errno = 0;
	assert_int_equal(pwrite(r->fd, "x", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_int_equal(shmregion_open(&again, dup(r->fd), true), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(shmregion_open(&again, dup(r->fd), false), 0);
	assert_int_equal(again.data[0], 'A');
	shmregion_close(&again);
}

static void seal_seal_refuses_every_later_seal(void **state)
{
	struct shmregion *r = *state;

	assert_int_equal(shmregion_seal(r, F_SEAL_SEAL), 0);
	errno = 0;
	assert_int_equal(shmregion_seal(r, F_SEAL_SHRINK), -1);
	assert_int_equal(errno, EPERM);
}

static void a_pipe_is_not_a_region(void **state)
{
	struct shmregion r;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	close(fds[1]);
	assert_int_equal(shmregion_seals(fds[0]), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(shmregion_open(&r, fds[0], false), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(r.fd, -1);	/* it took the descriptor and closed it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, create, destroy)
		T(a_new_region_is_mapped_shared_and_unsealed),
		T(a_region_larger_than_memory_is_refused_before_mapping),
		T(a_handed_over_region_is_the_same_memory),
		T(shrink_and_grow_seals_refuse_ftruncate),
		T(write_seal_is_busy_while_a_writable_mapping_exists),
		T(future_write_seal_keeps_the_old_pen_and_refuses_new_ones),
		T(seal_seal_refuses_every_later_seal),
		T(a_pipe_is_not_a_region),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
