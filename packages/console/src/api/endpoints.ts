/** The calls the pages make, typed by the protocol's schemas (z.infer of what the server checks). */
import type {
  CreatePlannedRolloutRequest,
  Device,
  DeviceResultsResponse,
  ImportsResponse,
  PatchesResponse,
  RepositoryRolesResponse,
  Role,
  Rollout,
  RolloutAction,
  RolloutProgress,
  SessionResponse,
  StatusResponse,
} from '@patchcast/protocol';
import { fill, request } from './client.js';
import { API, CONSOLE_API, ROLLOUT_API, VULN_API } from './paths.js';

export type RolloutSummary = Omit<Rollout, 'devices' | 'outlook'>;

export interface DevicePage {
  readonly devices: Device[];
  readonly total: number;
}

export const signIn = (token: string): Promise<SessionResponse> =>
  request('POST', CONSOLE_API.session, { token });
export const currentSession = (): Promise<SessionResponse> => request('GET', CONSOLE_API.session);
export const signOut = (): Promise<void> => request('DELETE', CONSOLE_API.session);

export const status = (): Promise<StatusResponse> => request('GET', API.status);

export function devices(query: {
  readonly q?: string;
  readonly label?: string;
  readonly offset: number;
  readonly limit: number;
}): Promise<DevicePage> {
  const params = new URLSearchParams({ offset: String(query.offset), limit: String(query.limit) });
  if (query.q !== undefined && query.q !== '') params.set('q', query.q);
  if (query.label !== undefined) params.set('label', query.label);
  return request('GET', `${API.devices}?${params.toString()}`);
}
export const deviceResults = (id: string): Promise<DeviceResultsResponse> =>
  request('GET', fill(API.deviceResults, { id }));

export const rollouts = (): Promise<{ rollouts: RolloutSummary[] }> => request('GET', API.rollouts);
export const rolloutProgress = (id: string): Promise<RolloutProgress> =>
  request('GET', fill(ROLLOUT_API.progress, { id }));
export const rolloutAction = (id: string, action: RolloutAction): Promise<RolloutProgress> =>
  request('POST', fill(ROLLOUT_API.action, { id, action }), {});
export const startRollout = (body: CreatePlannedRolloutRequest): Promise<Rollout> =>
  request('POST', API.rollouts, body);

export const patches = (): Promise<PatchesResponse> => request('GET', API.patches);
export const repositoryRoles = (): Promise<RepositoryRolesResponse> =>
  request('GET', API.repositoryRoles);

export const vulnImports = (): Promise<ImportsResponse> => request('GET', VULN_API.imports);

const ORDER: readonly Role[] = ['viewer', 'operator', 'publisher', 'admin'];
/** Whether `held` may do what `needed` may (the API decides; the page only hides buttons). */
export function can(held: Role, needed: Role): boolean {
  return ORDER.indexOf(held) >= ORDER.indexOf(needed);
}
