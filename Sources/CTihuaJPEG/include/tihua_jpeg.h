#ifndef TIHUA_JPEG_H
#define TIHUA_JPEG_H

#include <stddef.h>

/*
 * A small shim over libjpeg-turbo that decodes a JPEG held in memory to
 * 8-bit interleaved RGB without ever calling exit() and without unwinding
 * through the caller: every libjpeg failure (and every warning that means the
 * data is damaged or missing) ends the current call with a status code and
 * libjpeg's formatted message. longjmp stays inside this file.
 *
 * Use: create, read_header (bounds-checks the size before anything large is
 * allocated), allocate width*height*3 bytes, decode_rgb, destroy. The data
 * passed to read_header must stay valid and unmoved until decode_rgb returns.
 */

typedef enum {
    TIHUA_JPEG_OK = 0,
    TIHUA_JPEG_NOT_JPEG,     /* does not start with the SOI marker */
    TIHUA_JPEG_EMPTY_INPUT,  /* zero bytes */
    TIHUA_JPEG_TRUNCATED,    /* the data ends before the image does */
    TIHUA_JPEG_CORRUPT,      /* any other damage to markers or entropy-coded data */
    TIHUA_JPEG_ZERO_SIZE,    /* a width or height of 0 */
    TIHUA_JPEG_TOO_LARGE,    /* width*height above the caller's pixel limit */
    TIHUA_JPEG_UNSUPPORTED,  /* valid JPEG this build cannot decode (12-bit, lossless, 2 components...) */
    TIHUA_JPEG_NO_MEMORY,
    TIHUA_JPEG_MISUSE        /* calls out of order or an output buffer too small */
} tihua_jpeg_status;

/* Colour model of the stored data, as libjpeg identified it. */
typedef enum {
    TIHUA_JPEG_GRAY = 1,
    TIHUA_JPEG_YCBCR = 2,
    TIHUA_JPEG_RGB = 3,
    TIHUA_JPEG_CMYK = 4,
    TIHUA_JPEG_YCCK = 5
} tihua_jpeg_color;

typedef struct {
    int width;
    int height;
    int components;   /* 1, 3 or 4 */
    int color;        /* a tihua_jpeg_color */
    int progressive;  /* 1 for a progressive (SOF2) image */
    int adobe;        /* 1 when an Adobe APP14 marker is present */
} tihua_jpeg_info;

typedef struct tihua_jpeg_decoder tihua_jpeg_decoder;

/* NULL when memory is exhausted. */
tihua_jpeg_decoder *tihua_jpeg_create(void);
void tihua_jpeg_destroy(tihua_jpeg_decoder *decoder);

/* Reads the markers up to the first scan and fills `info`. Refuses zero sizes
   and width*height > max_pixels before any pixel memory is allocated. */
int tihua_jpeg_read_header(tihua_jpeg_decoder *decoder,
                           const unsigned char *data, size_t size,
                           long long max_pixels, tihua_jpeg_info *info);

/* Decodes the image whose header was read into `out` (width*height*3 bytes,
   RGB interleaved, row-major). Gray is replicated to R=G=B; CMYK and YCCK are
   converted as Pillow does for JPEG (samples taken as Adobe-inverted). */
int tihua_jpeg_decode_rgb(tihua_jpeg_decoder *decoder, unsigned char *out, size_t out_size);

/* The message of the last failure ("" if none); valid until the next call. */
const char *tihua_jpeg_message(const tihua_jpeg_decoder *decoder);

#endif
