/**
 * Enrollment as an agent makes it: one POST on node:http(s) (no fetch, no typed client), with the
 * same errors as `PatchcastClient.enroll`.
 */
import { answerOfShape, errorFromResponse, unreachable } from './api-errors.js';
import { enrollResponseGuard } from './enroll-api.js';
import { httpRequest } from './http-request.js';
import type { HttpResponse } from './http-request.js';
import type { EnrollRequest } from './api.js';

const ENROLL_PATH = '/api/v1/enroll';

/** `server` is an origin (normalizeServerUrl). */
export async function enrollDevice(server: string, request: EnrollRequest, timeoutMs = 60_000) {
  let response: HttpResponse;
  try {
    response = await httpRequest(`${server}${ENROLL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      timeoutMs,
    });
  } catch (error) {
    throw unreachable(server, error);
  }
  if (!response.ok) throw await errorFromResponse(response);
  const json = await response.json().catch(() => undefined);
  return answerOfShape(json, enrollResponseGuard, ENROLL_PATH);
}
