/*
 * JPEG decoding through libjpeg-turbo for Tihua (see include/tihua_jpeg.h).
 *
 * libjpeg reports fatal errors through error_exit, whose default calls exit().
 * Here error_exit records the message and longjmps back to the setjmp of the
 * public function that called into libjpeg; every public function sets its
 * own setjmp, so no jump ever crosses a Swift frame. libjpeg-turbo treats
 * damaged or missing entropy-coded data only as a warning (it pads with grey
 * and goes on), so the warnings that mean lost pixels take the same path.
 *
 * Decoding settings are libjpeg's defaults, which is also what Pillow uses
 * when not in draft mode: JDCT_ISLOW and fancy upsampling. The pixels then
 * agree with Pillow's decode exactly.
 */
#include "tihua_jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* libjpeg's default progressive script has 10 scans and optimising encoders
   use a few dozen; hundreds only appear in files crafted to burn CPU (each
   scan is a pass over the whole coefficient buffer). */
#define TIHUA_JPEG_MAX_SCANS 500

enum decoder_state { STATE_NEW, STATE_HEADER, STATE_DONE, STATE_FAILED };

struct tihua_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    enum decoder_state state;
    int status;             /* tihua_jpeg_status of the failure being reported */
    int tolerate_warnings;  /* set once every scanline has been decoded */
    char message[JMSG_LENGTH_MAX];
};

static tihua_jpeg_decoder *decoder_of(j_common_ptr cinfo) {
    return (tihua_jpeg_decoder *)cinfo->client_data;
}

static int status_for_error(int code) {
    switch (code) {
    case JERR_NO_SOI: return TIHUA_JPEG_NOT_JPEG;
    case JERR_INPUT_EMPTY: return TIHUA_JPEG_EMPTY_INPUT;
    case JERR_INPUT_EOF: return TIHUA_JPEG_TRUNCATED;
    case JERR_EMPTY_IMAGE: return TIHUA_JPEG_ZERO_SIZE;
    case JERR_OUT_OF_MEMORY: return TIHUA_JPEG_NO_MEMORY;
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_NOT_COMPILED:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_IMAGE_TOO_BIG:
    case JERR_WIDTH_OVERFLOW:
        return TIHUA_JPEG_UNSUPPORTED;
    default: return TIHUA_JPEG_CORRUPT;
    }
}

/* Warnings that mean pixels are missing or wrong. The others (unknown JFIF
   revision, unknown Adobe transform, a bad ICC marker, stray bytes between
   markers) leave the image intact; Pillow and browsers decode such files. */
static int status_for_warning(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
        return TIHUA_JPEG_TRUNCATED;
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
        return TIHUA_JPEG_CORRUPT;
    default:
        return TIHUA_JPEG_OK;
    }
}

static void fail(tihua_jpeg_decoder *d, int status) {
    d->status = status;
    longjmp(d->jump, 1);
}

static void on_error_exit(j_common_ptr cinfo) {
    tihua_jpeg_decoder *d = decoder_of(cinfo);
    (*cinfo->err->format_message)(cinfo, d->message);
    fail(d, status_for_error(cinfo->err->msg_code));
}

/* Called for warnings (level -1) and trace messages (level >= 0); nothing is
   printed. */
static void on_emit_message(j_common_ptr cinfo, int msg_level) {
    tihua_jpeg_decoder *d = decoder_of(cinfo);
    if (msg_level != -1) return;
    cinfo->err->num_warnings++;
    int status = status_for_warning(cinfo->err->msg_code);
    if (status == TIHUA_JPEG_OK || d->tolerate_warnings) return;
    (*cinfo->err->format_message)(cinfo, d->message);
    fail(d, status);
}

static void on_progress(j_common_ptr cinfo) {
    tihua_jpeg_decoder *d = decoder_of(cinfo);
    if (cinfo->is_decompressor &&
        ((j_decompress_ptr)cinfo)->input_scan_number > TIHUA_JPEG_MAX_SCANS) {
        snprintf(d->message, sizeof d->message,
                 "more than %d scans", TIHUA_JPEG_MAX_SCANS);
        fail(d, TIHUA_JPEG_CORRUPT);
    }
}

tihua_jpeg_decoder *tihua_jpeg_create(void) {
    /* volatile: read again after a longjmp */
    tihua_jpeg_decoder *volatile d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->cinfo.err = jpeg_std_error(&d->err);
    d->err.error_exit = on_error_exit;
    d->err.emit_message = on_emit_message;
    d->cinfo.client_data = d;
    if (setjmp(d->jump)) {  /* jpeg_create_decompress can only fail on memory */
        free(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    d->progress.progress_monitor = on_progress;
    d->cinfo.progress = &d->progress;
    d->state = STATE_NEW;
    return d;
}

void tihua_jpeg_destroy(tihua_jpeg_decoder *d) {
    if (!d) return;
    jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

const char *tihua_jpeg_message(const tihua_jpeg_decoder *d) {
    return d ? d->message : "";
}

static int misuse(tihua_jpeg_decoder *d, const char *what) {
    snprintf(d->message, sizeof d->message, "%s", what);
    d->state = STATE_FAILED;
    return TIHUA_JPEG_MISUSE;
}

static int color_of(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return TIHUA_JPEG_GRAY;
    case JCS_YCbCr: return TIHUA_JPEG_YCBCR;
    case JCS_RGB: return TIHUA_JPEG_RGB;
    case JCS_CMYK: return TIHUA_JPEG_CMYK;
    case JCS_YCCK: return TIHUA_JPEG_YCCK;
    default: return 0;
    }
}

int tihua_jpeg_read_header(tihua_jpeg_decoder *d, const unsigned char *data, size_t size,
                           long long max_pixels, tihua_jpeg_info *info) {
    if (d->state != STATE_NEW) return misuse(d, "read_header called twice");
    memset(info, 0, sizeof *info);
    d->message[0] = '\0';
    if (size == 0) {
        snprintf(d->message, sizeof d->message, "empty input");
        d->state = STATE_FAILED;
        return TIHUA_JPEG_EMPTY_INPUT;
    }
    if (setjmp(d->jump)) {
        d->state = STATE_FAILED;
        return d->status;
    }
    jpeg_mem_src(&d->cinfo, data, (unsigned long)size);
    jpeg_read_header(&d->cinfo, TRUE);

    struct jpeg_decompress_struct *c = &d->cinfo;
    info->width = (int)c->image_width;
    info->height = (int)c->image_height;
    info->components = c->num_components;
    info->color = color_of(c->jpeg_color_space);
    info->progressive = c->progressive_mode ? 1 : 0;
    info->adobe = c->saw_Adobe_marker ? 1 : 0;

    if (c->image_width == 0 || c->image_height == 0) {
        snprintf(d->message, sizeof d->message, "zero width or height");
        fail(d, TIHUA_JPEG_ZERO_SIZE);
    }
    if ((long long)c->image_width * (long long)c->image_height > max_pixels) {
        snprintf(d->message, sizeof d->message, "%u x %u pixels exceeds %lld",
                 c->image_width, c->image_height, max_pixels);
        fail(d, TIHUA_JPEG_TOO_LARGE);
    }
    if (info->color == 0 ||
        !(c->num_components == 1 || c->num_components == 3 || c->num_components == 4)) {
        snprintf(d->message, sizeof d->message, "unsupported JPEG with %d components",
                 c->num_components);
        fail(d, TIHUA_JPEG_UNSUPPORTED);
    }
    d->state = STATE_HEADER;
    return TIHUA_JPEG_OK;
}

/* Pillow reads every 4-component JPEG as inverted CMYK (Photoshop writes
   Adobe CMYK that way), undoes the inversion, then converts CMYK to RGB as
   R = (255 - K) - (C * (255 - K)) / 255, the division rounded. With the
   stored (inverted) samples c = 255 - C and k = 255 - K that is
   R = k - ((255 - c) * k) / 255. */
static unsigned char muldiv255(int a, int b) {
    int t = a * b + 128;
    return (unsigned char)(((t >> 8) + t) >> 8);
}

static void inverted_cmyk_row_to_rgb(const unsigned char *in, unsigned char *out, int width) {
    for (int x = 0; x < width; x++, in += 4, out += 3) {
        int k = in[3];  /* = 255 - K */
        out[0] = (unsigned char)(k - muldiv255(255 - in[0], k));
        out[1] = (unsigned char)(k - muldiv255(255 - in[1], k));
        out[2] = (unsigned char)(k - muldiv255(255 - in[2], k));
    }
}

int tihua_jpeg_decode_rgb(tihua_jpeg_decoder *d, unsigned char *out, size_t out_size) {
    if (d->state != STATE_HEADER) return misuse(d, "decode_rgb called without a header");
    struct jpeg_decompress_struct *c = &d->cinfo;
    size_t width = c->image_width, height = c->image_height;
    if (out_size / 3 / width < height) return misuse(d, "output buffer too small");
    if (setjmp(d->jump)) {
        d->state = STATE_FAILED;
        return d->status;
    }

    int cmyk = c->jpeg_color_space == JCS_CMYK || c->jpeg_color_space == JCS_YCCK;
    /* Gray is replicated to R=G=B by libjpeg itself. */
    c->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    c->dct_method = JDCT_ISLOW;
    c->do_fancy_upsampling = TRUE;
    jpeg_start_decompress(c);
    if (c->output_width != width || c->output_height != height ||
        c->output_components != (cmyk ? 4 : 3)) {
        snprintf(d->message, sizeof d->message, "unexpected output geometry");
        fail(d, TIHUA_JPEG_CORRUPT);
    }

    size_t stride = width * 3;
    if (cmyk) {
        JSAMPARRAY row = (*c->mem->alloc_sarray)((j_common_ptr)c, JPOOL_IMAGE,
                                                 (JDIMENSION)(width * 4), 1);
        while (c->output_scanline < c->output_height) {
            unsigned char *dst = out + (size_t)c->output_scanline * stride;
            if (jpeg_read_scanlines(c, row, 1) != 1) break;
            inverted_cmyk_row_to_rgb(row[0], dst, (int)width);
        }
    } else {
        while (c->output_scanline < c->output_height) {
            JSAMPROW dst = out + (size_t)c->output_scanline * stride;
            if (jpeg_read_scanlines(c, &dst, 1) != 1) break;
        }
    }
    if (c->output_scanline != c->output_height) {
        snprintf(d->message, sizeof d->message, "decoder stopped early");
        fail(d, TIHUA_JPEG_TRUNCATED);
    }
    /* Every pixel is decoded from complete data; what follows the last scan
       (a missing EOI, trailing bytes) does not change them. */
    d->tolerate_warnings = 1;
    jpeg_finish_decompress(c);
    d->state = STATE_DONE;
    return TIHUA_JPEG_OK;
}
