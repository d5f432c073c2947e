/** C2SP signed-note "Format": no ASCII control characters (below U+0020) other than newline. */
export function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

/** A lone UTF-16 surrogate: text that has no UTF-8 encoding. */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}
