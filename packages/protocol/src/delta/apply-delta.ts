/**
 * Rebuilds a bundle from a base and a delta (format zstd-patch-from/v1) with zstd compiled to
 * WebAssembly: no native code on the endpoint (ADR 0037). The caller checks the result against
 * the signed hash; this only refuses frames that do not declare exactly the expected length.
 */
import { PatchcastError } from '@patchcast/core';
import { createDCtx, decompressUsingDict, freeDCtx, init } from '@bokuweb/zstd-wasm';
import { zstdFrameContentSize } from './zstd-frame.js';
import type { DeltaFormat } from './delta-target.js';

let ready: Promise<void> | undefined;

/** Larger bases and results are published without a delta (a zstd window of 2^27 bytes). */
export const MAX_DELTA_BUNDLE_BYTES = 128 * 1024 * 1024;

export async function applyDelta(
  format: DeltaFormat,
  base: Uint8Array,
  delta: Uint8Array,
  resultLength: number,
): Promise<Uint8Array> {
  if (format !== 'zstd-patch-from/v1') throw invalid(`unknown delta format ${String(format)}`);
  const declared = zstdFrameContentSize(delta);
  if (declared !== resultLength)
    throw invalid(
      `the delta declares ${declared ?? 'no'} bytes; the signed result has ${resultLength}`,
    );
  if (resultLength > MAX_DELTA_BUNDLE_BYTES || base.length > MAX_DELTA_BUNDLE_BYTES)
    throw invalid(`a delta rebuilds at most ${MAX_DELTA_BUNDLE_BYTES} bytes`);
  ready ??= init();
  await ready;
  const context = createDCtx();
  try {
    const result = decompressUsingDict(context, delta, base, { defaultHeapSize: resultLength });
    if (result.length !== resultLength)
      throw invalid(`the delta rebuilt ${result.length} bytes, not ${resultLength}`);
    return result;
  } catch (error) {
    if (error instanceof PatchcastError) throw error;
    throw invalid(`the delta does not decode: ${(error as Error).message}`);
  } finally {
    freeDCtx(context);
  }
}

function invalid(message: string): PatchcastError {
  return new PatchcastError('DELTA_INVALID', message);
}
