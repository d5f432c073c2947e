/** Seconds as a short human duration: 45s, 4m35s, 2h05m, 3d04h. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

export function formatAt(seconds: number | null): string {
  return seconds === null ? '-' : `+${formatSeconds(seconds)}`;
}
