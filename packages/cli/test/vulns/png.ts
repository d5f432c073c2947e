/**
 * A minimal PNG reader for screenshots (PNG spec, ISO/IEC 15948): chunks with their CRCs,
 * IHDR, the IDAT stream inflated with node:zlib, and the five scanline filters (§9). 8-bit
 * greyscale, RGB, grey+alpha and RGBA without interlacing, which is what Chromium writes.
 */
import { crc32, inflateSync } from 'node:zlib';

export interface Png {
  readonly width: number;
  readonly height: number;
  /** Bytes per pixel of `pixels`. */
  readonly channels: number;
  readonly pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function chunks(bytes: Buffer): { type: string; data: Buffer }[] {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: bad signature');
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < bytes.length;) {
    if (at + 12 > bytes.length) throw new Error(`chunk header at ${at} runs past the end`);
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) throw new Error(`chunk at ${at} runs past the end`);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    if (crc32(typeAndData) !== bytes.readUInt32BE(at + 8 + length))
      throw new Error(`chunk at ${at} has a bad CRC`);
    out.push({
      type: typeAndData.subarray(0, 4).toString('latin1'),
      data: typeAndData.subarray(4),
    });
    at = end;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  if (raw.length !== height * (stride + 1)) throw new Error('image data has the wrong length');
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[y * stride + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] ?? 0) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter ?? -1];
      if (predictor === undefined) throw new Error(`unknown filter ${filter} on line ${y}`);
      out[y * stride + x] = ((line[x] ?? 0) + predictor) & 0xff;
    }
  }
  return out;
}

export function decodePng(bytes: Buffer): Png {
  const all = chunks(bytes);
  const header = all[0];
  if (header?.type !== 'IHDR' || header.data.length !== 13) throw new Error('no IHDR first');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  const [depth, colour, , , interlace] = header.data.subarray(8);
  const channels = CHANNELS[colour ?? -1];
  if (depth !== 8 || channels === undefined || interlace !== 0)
    throw new Error(
      `unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`,
    );
  if (all.at(-1)?.type !== 'IEND') throw new Error('no IEND last: truncated');
  const data = Buffer.concat(all.filter((c) => c.type === 'IDAT').map((c) => c.data));
  return { width, height, channels, pixels: unfilter(inflateSync(data), width, height, channels) };
}

/** How many pixels differ from the most common colour (the page background). */
export function nonBackgroundPixels(png: Png): {
  background: string;
  others: number;
  colours: number;
} {
  const counts = new Map<string, number>();
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const key = png.pixels.subarray(i, i + png.channels).toString('hex');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const [background, n] = [...counts].reduce((best, e) => (e[1] > best[1] ? e : best));
  return { background, others: png.width * png.height - n, colours: counts.size };
}

/** How many pixels have exactly this colour (`rrggbb`, opaque). */
export function pixelsOf(png: Png, rgb: string): number {
  let n = 0;
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const key = png.pixels.subarray(i, i + Math.min(3, png.channels)).toString('hex');
    const opaque = png.channels < 4 || png.pixels[i + 3] === 0xff;
    if (key === rgb && opaque) n++;
  }
  return n;
}
