/** `patchcast server` flags for benchmarks whose thousands of agents enroll and connect from a few loopback addresses within seconds. */
export const FLEET_LIMITS: readonly string[] = ['enroll', 'agent-connects', 'api'].flatMap((n) => [
  '--limit',
  `${n}=1000000`,
]);
