#ifndef TIHUA_OPENCC_H
#define TIHUA_OPENCC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An OpenCC converter opened from a profile (`t2s.json`, or a path to a
/// profile's JSON file). Immutable once opened: conversions may run on many
/// threads at once.
typedef struct tihua_opencc tihua_opencc;

/// Opens `profile`. On failure returns NULL and sets `*error` to a message
/// the caller frees with `tihua_opencc_free`.
tihua_opencc *tihua_opencc_open(const char *profile, char **error);

void tihua_opencc_close(tihua_opencc *converter);

/// Converts `length` bytes of UTF-8. Returns a NUL-terminated copy the
/// caller frees with `tihua_opencc_free` (its byte count in `*out_length`),
/// or NULL with `*error` set.
char *tihua_opencc_convert(const tihua_opencc *converter, const char *text, size_t length,
                           size_t *out_length, char **error);

/// Where OpenCC's dictionaries can change a text, for callers that split a
/// text into pieces OpenCC converts independently. `classes` must hold
/// 0x110000 bytes, one per Unicode scalar; each is set to
///   0 when the scalar appears in no key of any dictionary of the profile,
///   1 when it appears only in one-character keys and the profile has a
///     single conversion step,
///   2 otherwise (it may be part of a longer match).
/// Returns 1 when the classes are valid (the profile segments text by
/// maximum matching), 0 when the caller must convert texts whole.
int tihua_opencc_key_classes(const tihua_opencc *converter, unsigned char *classes);

void tihua_opencc_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
