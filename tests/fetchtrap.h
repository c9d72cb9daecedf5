/*
 * fetchtrap.h - for tests: a page of memory that changes after every read,
 * so that a double fetch is caught every time, not once in a billion.
 *
 * A peer changing shared memory between your check and your use is a race
 * that real hardware almost never shows a test: two loads a nanosecond
 * apart see the same cache line. This makes the race certain. The page is
 * kept PROT_NONE; each instruction that touches it faults (SIGSEGV), the
 * handler opens the page and sets the processor's trap flag, the one
 * instruction runs, the processor stops again (SIGTRAP), and the second
 * handler calls the test's `change` function (the page writable for it)
 * and closes the page. So `change` runs after every single access.
 *
 * x86-64 Linux only (the trap flag is EFLAGS bit 8); fetchtrap_supported()
 * says so, and tests skip elsewhere. Not under valgrind, which does not
 * run the program's instructions itself. Include after <cmocka.h>.
 */
#ifndef TESTS_FETCHTRAP_H
#define TESTS_FETCHTRAP_H

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define FETCHTRAP_PAGE 4096

static void *fetchtrap_page;
static void (*fetchtrap_change)(void *page);
static volatile unsigned long fetchtrap_accesses;

#if defined(__x86_64__) && defined(__linux__)
#define FETCHTRAP_TRAP_FLAG 0x100
static int fetchtrap_supported(void) { return 1; }
static void fetchtrap_set_flag(void *context, int on)
{
	greg_t *flags = &((ucontext_t *)context)->uc_mcontext.gregs[REG_EFL];

	*flags = on ? *flags | FETCHTRAP_TRAP_FLAG : *flags & ~FETCHTRAP_TRAP_FLAG;
}
#else
static int fetchtrap_supported(void) { return 0; }
static void fetchtrap_set_flag(void *context, int on) { (void)context; (void)on; }
#endif

static void fetchtrap_on_segv(int sig, siginfo_t *info, void *context)
{
	unsigned char *a = info->si_addr, *p = fetchtrap_page;

	if (a < p || a >= p + FETCHTRAP_PAGE) {	/* a real crash: let it crash */
		signal(sig, SIG_DFL);
		return;
	}
	mprotect(fetchtrap_page, FETCHTRAP_PAGE, PROT_READ);
	fetchtrap_set_flag(context, 1);
}

static void fetchtrap_on_trap(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	fetchtrap_set_flag(context, 0);
	fetchtrap_accesses++;
	mprotect(fetchtrap_page, FETCHTRAP_PAGE, PROT_READ | PROT_WRITE);
	fetchtrap_change(fetchtrap_page);
	mprotect(fetchtrap_page, FETCHTRAP_PAGE, PROT_NONE);
}

/* A fresh page, filled by init, then closed: from now on every access to
 * it is followed by change(page). */
static void *fetchtrap_arm(void (*init)(void *), void (*change)(void *))
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO };

	fetchtrap_page = mmap(NULL, FETCHTRAP_PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(fetchtrap_page != MAP_FAILED);
	init(fetchtrap_page);
	fetchtrap_change = change;
	fetchtrap_accesses = 0;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = fetchtrap_on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_sigaction = fetchtrap_on_trap;
	sigaction(SIGTRAP, &sa, NULL);
	mprotect(fetchtrap_page, FETCHTRAP_PAGE, PROT_NONE);
	return fetchtrap_page;
}

static void fetchtrap_disarm(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGTRAP, SIG_DFL);
	munmap(fetchtrap_page, FETCHTRAP_PAGE);
	fetchtrap_page = NULL;
}

#endif
