/*
 * asan.h - is AddressSanitizer compiled in? ASAN_ENABLED is 1 or 0.
 *
 * gcc announces it with __SANITIZE_ADDRESS__, clang with
 * __has_feature(address_sanitizer): this is the one place that knows both
 * (STYLE.md rule 13: platform differences live in one small file).
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
