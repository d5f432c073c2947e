export const MANIFEST_NAME = 'manifest.json';
export const BLOB_PREFIX = 'blobs/';
export const BLOB_NAME = /^blobs\/([0-9a-f]{64})$/;
