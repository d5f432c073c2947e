/** What the agent gateway tells the metrics: notices sent, reports taken (and how they were stored). */
import { FINAL_DEVICE_STATES } from '@patchcast/protocol';
import type { Report } from '@patchcast/protocol';
import type { ReportOutcome } from '../../storage/store.js';
import type { ServerMetrics } from './server-metrics.js';
import { NoticeClock } from './notice-clock.js';

export interface GatewayObserver {
  noticeSent(rolloutId: string, deviceIds: readonly string[]): void;
  reportReceived(deviceId: string, report: Report, outcome: ReportOutcome): void;
  /** A device connected to this node, or its connection here ended (the console's events). */
  presence?(deviceId: string, online: boolean): void;
}

export function gatewayObserver(metrics: ServerMetrics): GatewayObserver {
  const clock = new NoticeClock(metrics.noticeLatency);
  return {
    noticeSent: (rolloutId, deviceIds) => clock.noticeSent(rolloutId, deviceIds),
    reportReceived: (deviceId, report, outcome) => {
      clock.reportReceived(report.rolloutId, deviceId);
      // Counted once, where the report was stored: a duplicate or stale one changes nothing.
      if (outcome === 'applied' && FINAL_DEVICE_STATES.includes(report.state))
        metrics.recordResult(report.patch, report.state);
    },
  };
}
