/** The bus notice that tells devices to install a rollout's patch (a hint: signed metadata decides). */
import type { BusEvents } from '../../bus/bus.js';
import type { RolloutRecord } from '../../storage/store.js';

export function rolloutNotice(
  rollout: RolloutRecord,
  deviceIds: readonly string[],
): BusEvents['notice'] {
  return {
    rolloutId: rollout.id,
    patch: rollout.patch,
    targetPath: rollout.targetPath,
    deviceIds,
    ...(rollout.allowDowngrade === true ? { allowDowngrade: true as const } : {}),
  };
}
