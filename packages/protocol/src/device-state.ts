/** Where one device stands in one rollout, as its reports say (docs/protocol/agent-channel.md). */
export const DEVICE_STATES = [
  'pending',
  'notified',
  'downloading',
  'deferred', // downloaded and verified; waiting for the agent's maintenance window
  'installing',
  'installed',
  'failed',
  'rolled-back',
] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];
export const FINAL_DEVICE_STATES: readonly DeviceState[] = ['installed', 'failed', 'rolled-back'];
