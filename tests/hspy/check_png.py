"""Checks that FILE is a PNG of WIDTH x HEIGHT pixels with something drawn in it.
usage: check_png.py FILE WIDTH HEIGHT"""
import os
import struct
import sys

import matplotlib.image

path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if not os.path.isfile(path):
    sys.exit("FAILED: no file %s" % path)
with open(path, "rb") as f:
    head = f.read(24)
if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
    sys.exit("FAILED: %s is not a PNG" % path)
w, h = struct.unpack(">II", head[16:24])
if (w, h) != (width, height):
    sys.exit("FAILED: %s is %d x %d pixels, expected %d x %d" % (path, w, h, width, height))
img = matplotlib.image.imread(path)
colours = len({tuple(p) for p in img.reshape(-1, img.shape[-1])[:: 97]})
if os.path.getsize(path) < 10000 or colours < 20:
    sys.exit("FAILED: %s looks empty (%d bytes, %d colours)" % (path, os.path.getsize(path), colours))
print("%s: PNG %d x %d, %d bytes" % (path, w, h, os.path.getsize(path)))
