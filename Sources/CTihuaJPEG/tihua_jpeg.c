#include "tihua_jpeg.h"
#include <stdio.h>
#include <jpeglib.h>
int tihua_jpeg_version(void) { return JPEG_LIB_VERSION; }
