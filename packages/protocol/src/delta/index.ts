export {
  DELTA_FORMATS,
  deltaLinkMismatch,
  deltaLinkOf,
  deltaLinkSchema,
  deltaOfTargetPath,
  deltaTargetEntry,
  deltaTargetPath,
} from './delta-target.js';
export type { DeltaFormat, DeltaLink } from './delta-target.js';
export { MAX_DELTA_BUNDLE_BYTES, applyDelta } from './apply-delta.js';
export { zstdFrameContentSize } from './zstd-frame.js';
