/**
 * The benchmark framework's one port: a named measurement that returns figures. A new benchmark is
 * one file exporting a `Benchmark`, added to the list in registry.ts.
 */

/** A figure is a number, a short text, or null when it could not be measured (with a note). */
export type Figure = number | string | boolean | null;

export interface TargetCheck {
  /** What is promised, in words: "notice p99 within 2x of the bare ws baseline". */
  readonly target: string;
  /** What this run measured, in words: "1.4x (812 ms vs 580 ms)". */
  readonly measured: string;
  /** Undefined when the run could not decide (a part was skipped or too small to count). */
  readonly met: boolean | undefined;
}

/** Extra markdown for the summary, e.g. a profile's top functions. */
export interface Section {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface BenchReport {
  readonly figures: Readonly<Record<string, Figure>>;
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
  readonly sections: readonly Section[];
  /** False when a phase ran out of time or lost agents: figures are partial. */
  readonly complete: boolean;
}

export interface BenchOptions {
  readonly agents: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly timeoutSeconds: number;
  readonly profile: boolean;
  /** `--agent-exe FILE`: the memory benchmark's idle agent is this packaged `patchcast-agent`. */
  readonly agentExe?: string | undefined;
  /** `--db`: the server's PostgreSQL database (reports), else SQLite; cluster: a server to create one on. */
  readonly db?: string | undefined;
  /** `--size MB`: the patch size of the swarm benchmark. */
  readonly sizeMb?: number | undefined;
  /** `--notice-only`: fanout stops after the notices (no installs). */
  readonly noticeOnly?: boolean | undefined;
  /** `--bus`: NATS for the cluster benchmark's nodes. */
  readonly bus?: string | undefined;
}

export interface BenchContext {
  readonly options: BenchOptions;
  /** A fresh folder, removed after the benchmark. */
  readonly tmpDir: string;
  /** Where results go; profiles and other artifacts of the run may be written here too. */
  readonly outDir: string;
  /** One line of progress for a human, on stderr. */
  readonly progress: (line: string) => void;
  /** Reports of benchmarks that already ran in this invocation, by name. */
  readonly earlier: ReadonlyMap<string, BenchReport>;
}

export interface Benchmark {
  readonly name: string;
  readonly summary: string;
  run(context: BenchContext): Promise<BenchReport>;
}
