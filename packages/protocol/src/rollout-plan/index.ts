export { MAX_PLAN_BYTES, formatField, parsePlan, planIssues } from './parse-plan.js';
export type { PlanIssue } from './parse-plan.js';
export { rolloutPlanSchema } from './schema.js';
export {
  ROLLOUT_ACTIONS,
  ROLLOUT_ROUTES,
  createPlannedRolloutRequest,
  rolloutActionRequest,
  rolloutProgressSchema,
  verdictSchema,
} from './rollout-api.js';
export type {
  CreatePlannedRolloutRequest,
  RolloutAction,
  RolloutActionRequest,
  RolloutProgress,
  WaveProgress,
} from './rollout-api.js';
