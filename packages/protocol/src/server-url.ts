import { PatchcastError } from '@patchcast/core/base';

/** A server URL as given (`host:port` means http://) to its origin; USAGE when it is none. */
export function normalizeServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server.includes('://') ? server : `http://${server}`);
  } catch {
    throw new PatchcastError('USAGE', `"${server}" is not a server URL`, {
      hint: 'e.g. http://127.0.0.1:8080',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PatchcastError('USAGE', `server URL must be http or https, got ${url.protocol}`);
  }
  return url.origin;
}
