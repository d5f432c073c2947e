/**
 * The one field of a zstd frame header (RFC 8878 §3.1.1.1) read before decoding: the frame
 * content size, so that a delta is decoded only into exactly the signed result length.
 */
const MAGIC = 0xfd2fb528;

/** The frame's declared content size; undefined when the bytes are no frame or declare none. */
export function zstdFrameContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const descriptor = frame[4] ?? 0;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  if ((descriptor >> 3) & 1) return undefined; // reserved bit set: not a valid frame
  const dictIdSize = [0, 1, 2, 4][descriptor & 3] ?? 0;
  const fcsSize = [singleSegment, 2, 4, 8][fcsFlag] ?? 0;
  if (fcsSize === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdSize;
  if (frame.length < at + fcsSize) return undefined;
  if (fcsSize === 1) return view.getUint8(at);
  if (fcsSize === 2) return view.getUint16(at, true) + 256;
  if (fcsSize === 4) return view.getUint32(at, true);
  const size = view.getBigUint64(at, true);
  return size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : undefined;
}
