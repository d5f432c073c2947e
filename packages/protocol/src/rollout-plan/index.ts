export { MAX_PLAN_BYTES, formatField, parsePlan, planIssues } from './parse-plan.js';
export type { PlanIssue } from './parse-plan.js';
export { rolloutPlanSchema } from './schema.js';
