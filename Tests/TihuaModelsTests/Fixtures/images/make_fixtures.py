"""Makes the CMYK fixtures and pil_reference.json of this folder (run once, by hand).

Needs Pillow, numpy, a C compiler and libjpeg (libjpeg-turbo) headers. From this folder:
    python3 make_fixtures.py

- cmyk.jpg: 4-component JPEG written by Pillow (Adobe APP14 marker, inverted CMYK,
  no chroma subsampling).
- ycck.jpg: the same CMYK samples written by libjpeg as YCCK (Adobe transform 2,
  Y and K subsampled 2x2), through a small C program compiled here.
- arith.jpg: a 53x37 baseline JPEG with arithmetic coding (odd sizes, 4:2:0), by libjpeg.
- cmyk.rgb, ycck.rgb: what Pillow gives for Image.open(f).convert("RGB"), raw RGB bytes.
- pil_reference.json: for every JPEG here, Pillow's mode and size, and FNV-1a 64
  hashes of Pillow's decoded RGB and of its 224x224 bicubic resize, so the Swift
  tests can check decode and resize separately and exactly.
"""
import json, os, subprocess, tempfile
import numpy as np
from PIL import Image, features

HERE = os.path.dirname(os.path.abspath(__file__))

LIBJPEG_WRITER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
/* usage: writer W H ycck|arith in.raw out.jpg
   ycck:  in is W*H*4 bytes of Adobe-inverted CMYK, written as YCCK
   arith: in is W*H*3 bytes of RGB, written as YCbCr 4:2:0 with arithmetic coding */
int main(int argc, char **argv) {
    int w = atoi(argv[1]), h = atoi(argv[2]), ycck = strcmp(argv[3], "ycck") == 0;
    int n = ycck ? 4 : 3;
    unsigned char *buf = malloc((size_t)w * h * n);
    FILE *in = fopen(argv[4], "rb");
    if (fread(buf, 1, (size_t)w * h * n, in) != (size_t)w * h * n) return 1;
    fclose(in);
    struct jpeg_compress_struct c; struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    FILE *out = fopen(argv[5], "wb");
    jpeg_stdio_dest(&c, out);
    c.image_width = w; c.image_height = h; c.input_components = n;
    c.in_color_space = ycck ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&c);
    if (ycck) jpeg_set_colorspace(&c, JCS_YCCK); else c.arith_code = TRUE;
    jpeg_set_quality(&c, 90, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = buf + (size_t)c.next_scanline * w * n;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c); fclose(out); jpeg_destroy_compress(&c);
    return 0;
}
"""

def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def cmyk_samples() -> np.ndarray:
    """True CMYK (0 = no ink) with real K: gray component replacement of a photo, plus ramps."""
    rgb = np.asarray(Image.open(os.path.join(HERE, "chun.jpg")).convert("RGB").resize((64, 40), Image.BICUBIC))
    rgb = rgb.astype(np.float64) / 255
    k = 1 - rgb.max(axis=2)
    cmy = (1 - rgb - k[..., None]) / np.maximum(1 - k[..., None], 1e-6)
    k = k * np.linspace(0.3, 1.0, 64)[None, :]  # vary how much black is used
    cmyk = np.concatenate([cmy, k[..., None]], axis=2)
    cmyk[:4, :, :] = np.linspace(0, 1, 64)[None, :, None]  # ramps of every ink
    return np.clip(np.round(cmyk * 255), 0, 255).astype(np.uint8)


def main() -> None:
    cmyk = cmyk_samples()
    h, w, _ = cmyk.shape
    Image.fromarray(cmyk, "CMYK").save(os.path.join(HERE, "cmyk.jpg"), quality=90)
    with tempfile.TemporaryDirectory() as tmp:
        src, exe, raw = (os.path.join(tmp, n) for n in ("w.c", "w", "in.raw"))
        open(src, "w").write(LIBJPEG_WRITER)
        subprocess.run(["cc", "-O1", "-o", exe, src, "-ljpeg"], check=True)
        (255 - cmyk).tofile(raw)  # Adobe convention: stored samples are inverted
        subprocess.run([exe, str(w), str(h), "ycck", raw, os.path.join(HERE, "ycck.jpg")], check=True)
        rgb = np.asarray(Image.open(os.path.join(HERE, "pubu.jpg")).convert("RGB").resize((53, 37), Image.BICUBIC))
        rgb.tofile(raw)
        subprocess.run([exe, "53", "37", "arith", raw, os.path.join(HERE, "arith.jpg")], check=True)

    for name in ("cmyk", "ycck"):
        im = Image.open(os.path.join(HERE, f"{name}.jpg"))
        assert im.mode == "CMYK", im.mode
        open(os.path.join(HERE, f"{name}.rgb"), "wb").write(im.convert("RGB").tobytes())

    reference = {"pillow": Image.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"), "images": {}}
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".jpg"):
            continue
        try:
            im = Image.open(os.path.join(HERE, name))
            im.load()
        except OSError:
            continue  # truncated.jpg, not_a_jpeg.jpg
        rgb = im.convert("RGB")
        reference["images"][name] = {
            "mode": im.mode,
            "size": list(im.size),
            "rgb_fnv1a64": fnv1a64(rgb.tobytes()),
            "resized224_fnv1a64": fnv1a64(rgb.resize((224, 224), Image.BICUBIC).tobytes()),
        }
    with open(os.path.join(HERE, "pil_reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
