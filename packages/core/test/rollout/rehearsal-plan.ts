import type { RolloutPlan } from '../../src/rollout/index.js';
import { plan, wave } from './fixtures.js';

/**
 * The plan the rehearsal properties use, for a fleet of 600 devices (waves of 150, 180 and 270). A first wave of 150 devices
 * with a control cohort of 150, a failure threshold of 10% and a judge alpha of 0.05 split over
 * 2 judged waves x 3 comparisons (alpha' = 0.0083). For a patch failing on 20% of devices (plus 1%
 * baseline on both cohorts) the first wave escapes both the threshold and the Fisher test with
 * probability about 2e-5 (computed exactly over the binomial outcomes), so 200 seeds all stop in
 * wave 1 unless something is wrong.
 */
export const PROPERTY_PLAN: RolloutPlan = plan({
  waves: [
    wave('canary', { count: 150 }, 1800),
    wave('third', { percent: 30 }, 3600),
    wave('rest', { rest: true }, 0),
  ],
  thresholds: { successPercent: 85, failurePercent: 10 },
  maxConcurrent: 400,
  judge: { ...plan().judge, minSamples: 10 },
});
