#ifndef TIHUA_JPEG_H
#define TIHUA_JPEG_H
#include <stddef.h>
/* Placeholder: the JPEG shim is defined by the models work. */
int tihua_jpeg_version(void);
#endif
