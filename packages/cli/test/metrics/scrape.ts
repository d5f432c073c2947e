/**
 * Scraping /metrics as Prometheus would, parsed by an independent parser
 * (parse-prometheus-text-format, a port of the official Python client's parser). That parser
 * keeps the labels of gauges and counters, and reads unlabelled histograms in full.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
type ParsedFamily = parsePrometheusTextFormat.ParsedFamily;
type ParsedSample = parsePrometheusTextFormat.ParsedSample;

export interface Scrape {
  readonly status: number;
  readonly contentType: string;
  readonly requestId: string;
  readonly text: string;
  readonly families: readonly ParsedFamily[];
}

export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const families = response.status === 200 ? parsePrometheusTextFormat(text) : [];
  const requestId = response.headers.get('x-request-id') ?? '';
  return { status: response.status, contentType, requestId, text, families };
}

export function family(s: Scrape, name: string): ParsedFamily {
  const found = s.families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric family ${name} in the scrape`);
  return found;
}

/** The value of the sample of `name` whose labels include `labels`. */
export function value(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const sample = family(s, name).metrics.find((m: ParsedSample) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  if (sample?.value === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return Number(sample.value);
}
