#!/usr/bin/python3
"""Test photos for calpress's photo tests, composed from scikit-image's sample images (packaged
with Debian's python3-skimage; nothing is downloaded).

usage: mkfaces.py OUTDIR [png]

Writes into OUTDIR:
  face-low.jpg     3600 x 5400 portrait: busy texture in the upper two thirds, NASA's public-domain
                   astronaut portrait (skimage.data.astronaut) enlarged 2.5x in the lower third;
                   prints the face's box as fractions of the picture ("face-low.jpg face x y w h")
  mosaic.jpg       3600 x 2790, sharp at its own size: native-resolution sample images tiled
  mosaic-2x.jpg    the mosaic at half size, enlarged 2x back to 3600 x 2790 (bicubic)
  mosaic-3x.jpg    the same from a third of the size, enlarged 3x
With "png", writes instead:
  big.png          3600 x 2700 RGB, 8-bit, not interlaced: the mosaic at its own resolution
  palette.png      1800 x 1350, 256-colour palette
  grey.png         1800 x 1350, 8-bit greyscale
  alpha.png        1800 x 1350 RGBA (transparency: decoded by calpress, not passed through)
Needs numpy, scikit-image and Pillow (python3-numpy, python3-skimage, python3-pil).
"""
import os
import sys
import warnings

import numpy as np
from PIL import Image
from skimage import data

warnings.simplefilter("ignore")


def rgb(a):
    a = a[0] if isinstance(a, tuple) else a
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    return np.ascontiguousarray(a[..., :3].astype(np.uint8))


def save(a, path):
    Image.fromarray(a).save(path, quality=92, subsampling=0)


def resized(a, w, h, how=Image.BICUBIC):
    return np.asarray(Image.fromarray(a).resize((w, h), how))


def mosaic(w, h):
    """Native-resolution sample photos tiled row by row (never scaled)."""
    tiles = [rgb(getattr(data, n)()) for n in
             ("astronaut", "coffee", "rocket", "stereo_motorcycle", "chelsea", "retina",
              "immunohistochemistry", "hubble_deep_field", "colorwheel")]
    out = np.zeros((h, w, 3), np.uint8)
    y, k = 0, 0
    while y < h:
        x, row_h = 0, 0
        while x < w:
            t = tiles[k % len(tiles)]
            k += 1
            th, tw = min(t.shape[0], h - y), min(t.shape[1], w - x)
            out[y:y + th, x:x + tw] = t[:th, :tw]
            x += tw
            row_h = max(row_h, th)
        y += row_h
    return out


def face_low(path):
    W, H = 3600, 5400
    rng = np.random.default_rng(12)
    # The upper two thirds: saturated, edge-rich texture that wins any detail-based crop.
    top = mosaic(W, 3600)
    canvas = np.full((H, W, 3), 36, np.uint8)
    canvas[:3600] = top
    k = 2.5
    astro = rgb(data.astronaut())
    side = int(512 * k)
    big = resized(astro, side, side)
    x0, y0 = (W - side) // 2, H - side - 60
    canvas[y0:y0 + side, x0:x0 + side] = big
    noise = rng.normal(0, 2.0, canvas.shape)
    canvas = np.clip(canvas + noise, 0, 255).astype(np.uint8)
    save(canvas, path)
    # The astronaut's face in the 512-pixel original: x 165..285, y 60..200 (eyes to chin).
    fx, fy, fw, fh = 165, 60, 120, 140
    print(f"face-low.jpg face {(x0 + fx * k) / W:.4f} {(y0 + fy * k) / H:.4f} "
          f"{fw * k / W:.4f} {fh * k / H:.4f}")


def pngs(out):
    m = mosaic(3600, 2700)
    Image.fromarray(m).save(os.path.join(out, "big.png"))
    small = Image.fromarray(mosaic(1800, 1350))
    small.quantize(256).save(os.path.join(out, "palette.png"))
    small.convert("L").save(os.path.join(out, "grey.png"))
    rgba = small.convert("RGBA")
    rgba.putalpha(200)
    rgba.save(os.path.join(out, "alpha.png"))
    print("big.png palette.png grey.png alpha.png")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if sys.argv[2:] == ["png"]:
        pngs(out)
        return
    face_low(os.path.join(out, "face-low.jpg"))
    m = mosaic(3600, 2790)
    save(m, os.path.join(out, "mosaic.jpg"))
    for f in (2, 3):
        small = resized(m, 3600 // f, 2790 // f, Image.LANCZOS)
        save(resized(small, 3600, 2790), os.path.join(out, f"mosaic-{f}x.jpg"))
    print("mosaic.jpg mosaic-2x.jpg mosaic-3x.jpg")


if __name__ == "__main__":
    main()
