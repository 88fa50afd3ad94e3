#!/usr/bin/env python3
"""Draws assets/tertulia.png (256x256): a blue speech bubble with three dots.
Plain Python (zlib + struct), 4x4 supersampling for smooth edges."""
import struct, zlib, math, os

N, SS = 256, 4
BLUE, WHITE = (0x2F, 0x6F, 0xDE), (0xFF, 0xFF, 0xFF)

def in_round_rect(x, y, x0, y0, x1, y1, r):
    cx, cy = min(max(x, x0 + r), x1 - r), min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1

def in_tail(x, y):  # triangle under the bubble, pointing down-left
    (ax, ay), (bx, by), (cx, cy) = (62, 176), (118, 176), (44, 232)
    d = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy)
    l1 = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / d
    l2 = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / d
    return l1 >= 0 and l2 >= 0 and 1 - l1 - l2 >= 0

def in_dot(x, y):
    return any((x - cx) ** 2 + (y - 112) ** 2 <= 15 ** 2 for cx in (84, 128, 172))

rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        bubble = dots = 0
        for sy in range(SS):
            for sx in range(SS):
                x, y = px + (sx + 0.5) / SS, py + (sy + 0.5) / SS
                if in_round_rect(x, y, 20, 36, 236, 188, 44) or in_tail(x, y):
                    bubble += 1
                    dots += in_dot(x, y)
        a = bubble / SS ** 2
        t = dots / max(bubble, 1)
        rgb = [round(BLUE[i] * (1 - t) + WHITE[i] * t) for i in range(3)]
        row += bytes(rgb + [round(255 * a)])
    rows.append(bytes(row))

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tertulia.png")
open(out, "wb").write(png)
print(out)
