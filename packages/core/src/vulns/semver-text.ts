/** True when the text is a SemVer 2.0.0 version (no leading 'v'). */
import { isValidVersion } from '../versions/index.js';

export function isSemVer(text: string): boolean {
  return isValidVersion('npm', text);
}
