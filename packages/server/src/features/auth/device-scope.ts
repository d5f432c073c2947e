/**
 * Tokens limited to devices (`patchcast token create --devices SELECTOR`): such a token may start
 * and steer rollouts, change labels and replace hosts only where every device concerned matches
 * its selector (FORBIDDEN otherwise). A token without a scope acts on every device.
 */
import {
  PatchcastError,
  describeSelector,
  matchesSelector,
  selectorMatcher,
} from '@patchcast/core';
import type { FleetDevice, TargetSelector } from '@patchcast/core';
import type { Store } from '../../storage/store.js';
import type { Principal } from './authenticate.js';

/** Throws unless every enrolled device `selector` reaches lies in the caller's scope. */
export async function assertInScope(
  principal: Principal | undefined,
  store: Store,
  selector: TargetSelector,
  what: string,
): Promise<void> {
  const scope = principal?.devices;
  if (principal === undefined || scope === undefined) return;
  const fleet = await store.listDevices();
  const reached = fleet.filter(selectorMatcher(selector));
  assertDevicesInScope(principal, reached, what);
}

/** Throws unless each of `devices` matches the caller's scope. */
export function assertDevicesInScope(
  principal: Principal | undefined,
  devices: readonly (FleetDevice & { readonly name: string })[],
  what: string,
): void {
  const scope = principal?.devices;
  if (principal === undefined || scope === undefined) return;
  const inScope = selectorMatcher(scope);
  const outside = devices.filter((d) => !inScope(d));
  const [first] = outside;
  if (first === undefined) return;
  throw new PatchcastError(
    'FORBIDDEN',
    `the token "${principal.name}" may act only on devices with ${describeSelector(scope)}; ${what} reaches ${outside.length} other device(s), e.g. ${first.name} (${first.id})`,
    { hint: 'narrow the selector to the devices of this token, or use a token for those devices' },
  );
}

/**
 * A scoped token's plain enrollment tokens must preset labels that put every device they enroll
 * inside its scope (preset labels win over the agent's own, ADR 0029).
 */
export function assertEnrollmentInScope(
  principal: Principal | undefined,
  labels: Readonly<Record<string, string>>,
): void {
  const scope = principal?.devices;
  if (principal === undefined || scope === undefined) return;
  if (matchesSelector(scope, { id: '', labels })) return;
  throw new PatchcastError(
    'FORBIDDEN',
    `the token "${principal.name}" may act only on devices with ${describeSelector(scope)}; a device enrolled with this enrollment token would not be one`,
    { hint: 'preset the labels of the scope: patchcast enroll-token create --label KEY=VALUE' },
  );
}
