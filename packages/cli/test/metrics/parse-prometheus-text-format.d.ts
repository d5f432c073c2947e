/** Types of parse-prometheus-text-format (it ships none): prom2json's shape, values as text. */
declare module 'parse-prometheus-text-format' {
  interface ParsedSample {
    readonly labels?: Readonly<Record<string, string>>;
    readonly value?: string;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }
  interface ParsedFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly ParsedSample[];
  }
  function parsePrometheusTextFormat(text: string): ParsedFamily[];
  namespace parsePrometheusTextFormat {
    export type { ParsedSample, ParsedFamily };
  }
  export = parsePrometheusTextFormat;
}
