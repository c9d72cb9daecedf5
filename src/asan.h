/*
 * asan.h - is AddressSanitizer compiled in? ASAN_ENABLED is 1 or 0.
 *
 * gcc announces it with __SANITIZE_ADDRESS__, clang with
 * __has_feature(address_sanitizer): this is the one place that knows both
 * (docs/design.md, "How the code reads": what differs between builds
 * lives in one small file).
 */
#ifndef ASAN_H
#define ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define ASAN_ENABLED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_ENABLED 1
#endif
#endif

#ifndef ASAN_ENABLED
#define ASAN_ENABLED 0
#endif

#endif
