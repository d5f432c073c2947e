import { PatchcastError, SELECTOR_GRAMMAR, parseSelector } from '@patchcast/core';
import { parsePatchRef } from '@patchcast/protocol';
import type { PatchcastClient, Rollout, RolloutAction } from '@patchcast/protocol';
import type { Command, Invocation } from '../command.js';
import { boolFlag, requiredFlag, stringFlag } from '../args.js';
import { CLIENT_HELP, CLIENT_OPTIONS, JSON_OPTION, clientFor, printJson } from '../context.js';
import { renderRollout, watchRollout } from '../rollout-view.js';
import { exitCodeOf } from '../rollout-wait.js';
import { printWaitEnd, waitEndError, withWaitEnd } from '../rollout-wait-end.js';
import { table } from '../table.js';
import { REHEARSE_HELP, REHEARSE_OPTIONS, rehearseAction } from './rollout-rehearse.js';
import {
  act,
  downgradeFlag,
  followFlags,
  isRolloutAction,
  plannedProgress,
  showProgress,
  startPlanned,
} from './rollout-planned.js';

const ACTIONS = [
  'start',
  'status',
  'list',
  'rehearse',
  'approve',
  'pause',
  'resume',
  'abort',
  'rollback',
] as const;

export const rolloutCommand: Command = {
  name: 'rollout',
  summary: 'start a rollout, follow its progress, list rollouts, rehearse a plan offline',
  usage:
    'patchcast rollout start NAME@VERSION (--plan FILE [--expedite] [--allow-empty-waves] | --devices SELECTOR) [--allow-downgrade] [--watch|--wait] [--json] | status ID [--watch|--wait] [--json] | list [--json] | approve|pause|resume|abort|rollback ID [--cascade] [--json] | rehearse PLAN --devices N --failure-rate F',
  help: `Actions:
  start NAME@VERSION --plan FILE [--expedite]
                                          run a rollout plan (waves, thresholds, windows,
                                          approval gates, canary judge; docs/rollouts.md);
                                          a bad plan is refused (PLAN_INVALID) naming line and field
  start NAME@VERSION --devices SELECTOR   push a published patch to the selected devices at once
        a withdrawn version is refused (PATCH_WITHDRAWN, with the reason; patchcast patches)
        SELECTOR (docs/rollouts.md "Selecting devices") is one of
${SELECTOR_GRAMMAR.map((line) => `          ${line}`).join('\n')}
  status ID [--watch|--wait]              planned: waves, judge verdicts with p-values,
                                          decisions, per-device phase timings; plain: counts.
                                          Both: the maintenance window (open until / next
                                          opening), what happens next or what the rollout waits
                                          for, and each device's status: offline, not-notified,
                                          deferred (with the window's opening), pending,
                                          installing, installed, failed, rolled-back, cancelled
        --watch (redrawn) and --wait (quiet) follow the rollout until it ends or nothing more
        happens without an operator, an offline device coming back or a window opening; they
        say which, and exit:
          0  completed, every device installed (after rollback or abort --watch|--wait:
             rolled back, or aborted)
          1  ended otherwise: failures, aborted, rolled back, a device never installed
          3  waits for an operator: approve the wave, or resume, abort or roll back a pause
          4  waits for offline devices to come back (named)
          5  waits for a maintenance window to open (the time is shown)
        and, unless 0, say why in one error line with a stable code (docs/errors.md), so a
        pipeline fails closed: ROLLOUT_FAILED, ROLLOUT_ABORTED or ROLLOUT_ROLLED_BACK (1),
        ROLLOUT_PAUSED or ROLLOUT_APPROVAL_NEEDED (3), ROLLOUT_WAITING (4, 5); with --json the
        document carries it too as "error": {"code","message","hint"}
  list                                    every rollout, newest first
  approve ID [--wave N]                   open the approval gate of the pending wave (or wave N)
  pause ID | resume ID | abort ID         stop, continue or end a rollout (any, --devices too)
  rollback ID [--cascade]                 roll back every device the rollout patched, planned
                                          or started with --devices, also after it completed
                                          or was aborted (a bad patch found later): each device
                                          gets back the files from before the rollout and the
                                          version it had; devices end rolled-back, as does it.
                                          While a later rollout's newer version of the patch is
                                          installed over it, refused (ROLLOUT_NEWER_INSTALLED,
                                          naming that rollout); --cascade rolls back the later
                                          rollouts first, newest first, waiting for each
        an action the rollout's state does not allow is refused (ROLLOUT_TRANSITION_REFUSED)
        with the state it is in and the actions allowed now
${REHEARSE_HELP}

Options:
  --plan FILE         the rollout plan, YAML or JSON (start)
  --devices SELECTOR  which devices (start); with rehearse, how many simulated devices
  --expedite          use the plan's expedite policy: an actively exploited vulnerability
  --allow-empty-waves start even if a wave of the plan takes no device; without it such a
                      start is refused (WAVE_EMPTY) naming the wave, its selector and why
  --allow-downgrade   install even where a device has a higher version of the patch (start);
                      without it such a rollout is refused (PATCH_DOWNGRADE_REFUSED); logged
  --wave N            the wave whose gate to approve (approve)
  --cascade           roll back the later rollouts installed over this one first (rollback)
  --failure-rate F, --metric-shift X, --seed S, --chart FILE   see rehearse
  --watch, --wait     follow until the rollout ends or waits (start, status, actions; exit
                      codes above)
${CLIENT_HELP}
  --json              print JSON: {"id","state","counts":{...},"devices":[...],"outlook":{...}};
                      devices carry state (as reported), status, statusDetail, online and
                      windowOpensAt; outlook: state (running, waiting, ended), waitingFor
                      (operator, devices, window), message, offline, approvalWave, window;
                      planned rollouts add phase, wave, allowed, waves, decisions, rollback`,
  options: {
    devices: { type: 'string' },
    plan: { type: 'string' },
    wave: { type: 'string' },
    watch: { type: 'boolean' },
    wait: { type: 'boolean' },
    'allow-downgrade': { type: 'boolean' },
    'allow-empty-waves': { type: 'boolean' },
    cascade: { type: 'boolean' },
    ...REHEARSE_OPTIONS,
    ...CLIENT_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: { min: 1, max: 2 },
  async run(invocation) {
    const [action = '', arg] = invocation.positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new PatchcastError('USAGE', `unknown rollout action "${action}"`, {
        hint: `use one of: ${ACTIONS.join(', ')}`,
      });
    }
    if (action === 'rehearse') return rehearseAction(invocation);
    followFlags(invocation); // a wrong combination is refused before anything starts
    const client = clientFor(invocation);
    if (action === 'list') return list(invocation, client);
    if (arg === undefined)
      throw new PatchcastError(
        'USAGE',
        `rollout ${action} needs ${action === 'start' ? 'NAME@VERSION' : 'an ID'}`,
      );
    if (isRolloutAction(action)) {
      const progress = await act(invocation, client, action, arg);
      if (progress.plain !== true) return showProgress(invocation, client, progress, action);
      return show(invocation, client, await client.rollout(progress.id), action);
    }
    if (action === 'start') return start(invocation, client, arg);
    const progress = await plannedProgress(client, arg);
    if (progress !== undefined && progress.plain !== true)
      return showProgress(invocation, client, progress);
    return show(invocation, client, await client.rollout(arg));
  },
};

async function start(invocation: Invocation, client: PatchcastClient, ref: string) {
  const plan = stringFlag(invocation, 'plan');
  if (plan !== undefined) {
    if (stringFlag(invocation, 'devices') !== undefined)
      throw new PatchcastError('USAGE', 'give --plan or --devices, not both', {
        hint: "the plan's target says which devices",
      });
    return startPlanned(invocation, client, ref, plan);
  }
  const devices = parseSelector(
    requiredFlag(
      invocation,
      'devices',
      'e.g. --plan plan.yaml, --devices all or --devices env=staging',
    ),
  );
  const rollout = await client.createRollout({
    patch: parsePatchRef(ref),
    devices,
    ...downgradeFlag(invocation),
  });
  return show(invocation, client, rollout);
}

async function show(
  invocation: Invocation,
  client: PatchcastClient,
  rollout: Rollout,
  action?: RolloutAction,
): Promise<number> {
  const json = boolFlag(invocation, 'json');
  const { follows, draw } = followFlags(invocation);
  if (follows) rollout = await watchRollout(client, rollout.id, invocation.io, draw && !json);
  // Like `kubectl rollout status`: a followed rollout exits 0 only if it completed (WAIT_EXIT),
  // and otherwise says why with a stable code (rollout-wait-end.ts).
  const failure = follows ? waitEndError(rollout, action) : undefined;
  if (json) printJson(invocation, withWaitEnd(rollout, failure));
  else if (!follows || !draw) invocation.io.out(renderRollout(rollout));
  if (failure !== undefined) printWaitEnd(invocation.io, failure);
  return follows ? exitCodeOf(rollout, action) : 0;
}

async function list(invocation: Invocation, client: PatchcastClient): Promise<number> {
  const { rollouts } = await client.rollouts();
  if (boolFlag(invocation, 'json')) printJson(invocation, { rollouts });
  else {
    const rows = rollouts.map((r) => [
      r.id,
      `${r.patch.name}@${r.patch.version}`,
      r.state,
      `${r.counts.installed}/${r.counts.total}`,
      String(r.counts.failed),
      r.createdAt,
    ]);
    invocation.io.out(table(['ID', 'PATCH', 'STATE', 'INSTALLED', 'FAILED', 'CREATED'], rows));
  }
  return 0;
}
