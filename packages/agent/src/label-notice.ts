/** `--label` flags count at enrollment; later the server's labels hold, and we say so once. */
export function labelNotice(
  given: Readonly<Record<string, string>> | undefined,
  deviceId: string,
  log: (line: string) => void,
): (held: Readonly<Record<string, string>> | undefined) => void {
  let told = false;
  return (held) => {
    const ignored = Object.entries(given ?? {}).filter(
      ([k, v]) => held !== undefined && held[k] !== v,
    );
    if (told || ignored.length === 0 || held === undefined) return;
    told = true;
    const flags = ignored.map(([k, v]) => `${k}=${v}`).join(' ');
    const current =
      Object.entries(held)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || 'none';
    log(
      `--label ${flags} ignored: labels are set at enrollment and then only through the server ` +
        `(labels of ${deviceId} now: ${current}); to change them: patchcast devices label ${deviceId} ${flags}`,
    );
  };
}
