/** `@patchcast/protocol/peers`: piece lists, the tracker's messages, signed peer requests. */
export * from './pieces.js';
export * from './peer-channel.js';
export * from './peer-request.js';
