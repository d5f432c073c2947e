/** Every benchmark `patchcast bench` knows; `all` runs them in this order. Add new ones here. */
import type { Benchmark } from './benchmark.js';
import { fanoutBenchmark } from './fanout/fanout-benchmark.js';
import { serveBenchmark } from './serve/serve-benchmark.js';
import { memoryBenchmark } from './memory/memory-benchmark.js';
import { logBenchmark } from './log/log-benchmark.js';
import { verifyBenchmark } from './verify/verify-benchmark.js';
import { vulnsBenchmark } from './vulns/vulns-benchmark.js';
import { tlsBenchmark } from './tls/tls-benchmark.js';
import { deltaBenchmark } from './delta/delta-benchmark.js';
import { consoleBenchmark } from './console/console-benchmark.js';
import { reportsBenchmark } from './reports/reports-benchmark.js';
import { swarmBenchmark } from './swarm/swarm-benchmark.js';
import { clusterBenchmark } from './cluster/cluster-benchmark.js';

export const BENCHMARKS: readonly Benchmark[] = [
  fanoutBenchmark,
  serveBenchmark,
  memoryBenchmark,
  verifyBenchmark,
  logBenchmark,
  vulnsBenchmark,
  tlsBenchmark,
  deltaBenchmark,
  consoleBenchmark,
  reportsBenchmark,
  swarmBenchmark,
  clusterBenchmark,
];
