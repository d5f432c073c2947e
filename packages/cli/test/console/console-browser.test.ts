/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a real server
 * and real agent processes: sign in, see the devices, start a planned rollout from the page,
 * approve its gated wave, watch it reach 100 % without a reload, roll it back; a viewer sees no
 * action buttons and a forged request is refused; the Overview shows the checkpoint's age, Patches
 * the delegated roles and their keys, Vulnerabilities the last imports; an axe-core scan of every
 * page finds no serious violation.
 * Every run takes the screenshots; with PATCHCAST_CONSOLE_SHOTS=1 they replace those in
 * docs/console/ (docs/console.md shows them), else they go to the run's own folder, so that a
 * test run leaves the work tree as it found it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { Harness, eventually } from '../harness.js';
import { writePatchSource } from '../patch-source.js';
import { keyHolder, serverKey, setup } from '../trust/trust-helpers.js';
import { chromiumMissing, openBrowser } from '../../src/bench/console/browser.js';
import type { Browser } from '../../src/bench/console/browser.js';

const SHOTS =
  process.env.PATCHCAST_CONSOLE_SHOTS === '1'
    ? fileURLToPath(new URL('../../../../../docs/console/', import.meta.url))
    : join(tmpdir(), `patchcast-console-shots-${process.pid}`);
const NAMES = ['canary-1', 'main-1', 'main-2'];
const PLAN = `version: 1
target: { all: true }
waves:
  - name: canary
    labels: { ring: canary }
    bake: 1s
  - name: everyone
    rest: true
    bake: 1s
    approval: true
installTimeout: 2m
`;

const ADVISORY = {
  id: 'GHSA-cons-0000-0001',
  modified: '2026-01-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'left-pad' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
    },
  ],
};

/** A delegated role for a web team, and one advisory import from `console-osv.json`. */
async function repositoryAndImports(h: Harness): Promise<void> {
  const team = await keyHolder(h, 'web-team');
  const targetsKey = serverKey(h, 'targets');
  const web = [
    'delegate',
    'add',
    'web-team',
    '--key',
    `${team}.pub`,
    '--path',
    'web-*/*/bundle.tar',
  ];
  await setup(h, [...web, '--targets-key', targetsKey]);
  const osv = join(h.dir, 'console-osv.json');
  await writeFile(osv, JSON.stringify(ADVISORY));
  await setup(h, ['vulns', 'import', osv]);
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<AxeResult['violations']> {
  const source = await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  await page.evaluate(source);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run(),
  );
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const skip = chromiumMissing();
if (skip !== false) process.stdout.write(`# SKIP console browser tests: ${skip}\n`);

describe('the console in a real browser', { skip, timeout: 300_000 }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let rolloutPath = '';
  let viewerToken = '';

  before(async () => {
    h = await Harness.create();
    await h.startServer();
    await h.startAgent('canary-1', ['ring=canary']);
    await h.startAgent('main-1', ['ring=main']);
    await h.startAgent('main-2', ['ring=main']);
    const source = await writePatchSource(join(h.dir, 'src'), { 'etc/app.conf': 'v=2\n' });
    await h.publish(source, 'app', '2.0.0');
    const made = await fetch(`${h.server}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'auditor', role: 'viewer' }),
    });
    viewerToken = ((await made.json()) as { token: string }).token;
    await repositoryAndImports(h);
    await mkdir(SHOTS, { recursive: true });
    browser = await openBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(token: string): Promise<void> {
    await page.goto(`${h.server}/`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  test('signs in with an API token into an HttpOnly session; the token is in no URL', async () => {
    await page.goto(`${h.server}/`);
    await page.getByLabel('API token').waitFor();
    await page.screenshot({ path: join(SHOTS, 'sign-in.png') });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await signIn(h.token);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('devices online').waitFor();
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === 'patchcast_session');
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Strict');
    assert.equal(await page.evaluate('document.cookie'), '', 'no script reads the cookie');
    assert.ok(
      requests.every((url) => !url.includes(h.token)),
      'the token is in no URL',
    );
    await page.screenshot({ path: join(SHOTS, 'overview.png') });
  });

  test("shows the checkpoint's age, the delegated roles and the last imports", async () => {
    await page.goto(`${h.server}/`);
    const age = page.locator('.tile', { hasText: 'checkpoint age' }).locator('.value');
    assert.match((await age.textContent()) ?? '', /^\d+ (s|min|h|d)$/);
    await page.getByRole('link', { name: 'Patches' }).click();
    await page.getByRole('heading', { name: 'Roles and keys' }).waitFor();
    const row = page.getByRole('row', { name: /web-team/ });
    assert.match(
      (await row.textContent()) ?? '',
      /targets.*web-\*\/\*\/bundle\.tar.*1 of 1.*none yet/,
    );
    for (const role of ['root', 'targets', 'snapshot', 'timestamp'])
      await page.getByRole('cell', { name: role, exact: true }).first().waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no role expires within 30 days');
    await page.screenshot({ path: join(SHOTS, 'patches-roles.png'), fullPage: true });
    await page.getByRole('link', { name: 'Vulnerabilities' }).click();
    await page.getByRole('heading', { name: 'Last imports' }).waitFor();
    const imported = page.getByRole('row', { name: /console-osv\.json/ });
    assert.match((await imported.textContent()) ?? '', /admin.*1 added, 0 updated \(1 stored\)/);
  });

  test('lists the devices, searched on the server', async () => {
    await page.getByRole('link', { name: 'Devices' }).click();
    for (const name of NAMES) await page.getByRole('link', { name }).waitFor();
    await page.getByText('3 devices').waitFor();
    await page.getByLabel(/Search devices/).fill('ring=canary');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 device,').waitFor();
    assert.equal(await page.getByRole('link', { name: 'main-1' }).count(), 0);
    await page.getByLabel(/Search devices/).fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('3 devices').waitFor();
    await page.screenshot({ path: join(SHOTS, 'devices.png') });
  });

  test('starts a planned rollout, approves the gated wave and sees 100 % without a reload', async () => {
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await page.getByRole('link', { name: 'Start a rollout' }).click();
    await page.getByLabel('Patch').selectOption('app@2.0.0');
    await page.getByLabel('Plan').fill(PLAN);
    await page.getByRole('button', { name: 'Start rollout' }).click();
    await page.waitForURL((url) => /^\/rollouts\/(?!new$)[^/]+$/.test(url.pathname));
    rolloutPath = new URL(page.url()).pathname;
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    const approve = page.getByRole('button', { name: 'Approve' });
    await approve.waitFor({ timeout: 60_000 });
    await page.getByText('pending-approval').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'rollout-approval.png'), fullPage: true });
    await approve.click();
    const whole = page.getByRole('progressbar', { name: 'rollout', exact: true });
    await page
      .locator('[role=progressbar][aria-label="rollout"][aria-valuenow="100"]')
      .waitFor({ timeout: 60_000 });
    assert.equal(await whole.getAttribute('aria-valuenow'), '100');
    await page.getByText('completed', { exact: true }).first().waitFor({ timeout: 30_000 });
    const marker = await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker);
    assert.equal(marker, 1, 'the page was never reloaded: the progress came over the event stream');
    await page.screenshot({ path: join(SHOTS, 'rollout-complete.png'), fullPage: true });
  });

  test('rolls the rollout back from the page', async () => {
    await page.getByRole('button', { name: 'Rollback' }).click();
    // Devices show rolled-back one by one before the rollout does: wait for the server's word.
    const id = rolloutPath.split('/').pop() ?? '';
    const status = await eventually(
      async () => {
        const now = await h.hereJson<{ state: string }>(['rollout', 'status', id]);
        return now.state === 'rolled-back' ? now : undefined;
      },
      'the server to roll the rollout back',
      90_000,
    );
    assert.equal(status.state, 'rolled-back', 'the server rolled it back');
    await page.getByText('rolled-back', { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, 'rollout-rolled-back.png'), fullPage: true });
  });

  test("verifies a publication's inclusion proof in the browser, and refuses a tampered one", async () => {
    await page.getByRole('link', { name: 'Log' }).click();
    await page.getByLabel('Published patch').selectOption({ label: 'app@2.0.0' });
    await page.getByRole('button', { name: /Verify its publication/ }).click();
    const status = page.getByRole('status');
    await status.getByText('Verified').waitFor();
    assert.match((await status.textContent()) ?? '', /"type":"patch-published"/);
    await page.screenshot({ path: join(SHOTS, 'log-verified.png'), fullPage: true });
    await page.route('**/log/proof/patch/**', async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as { entry: string; proof: string };
      const entry = Buffer.from(body.entry, 'base64');
      const at = entry.length - 2; // one bit of the entry: its leaf hash is no longer in the tree
      entry.writeUInt8((entry[at] ?? 0) ^ 1, at);
      await route.fulfill({ response: answer, json: { ...body, entry: entry.toString('base64') } });
    });
    await page.getByRole('button', { name: /Verify its publication/ }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /inclusion proof/);
    assert.equal(await page.getByRole('status').count(), 0, 'a tampered entry is not verified');
    await page.unroute('**/log/proof/patch/**');
  });

  test('browses log entries by index and type, and verifies one from the tiles', async () => {
    await page.goto(`${h.server}/log`);
    await page.getByLabel('Type').selectOption('patch-published');
    const verify = page.getByRole('button', { name: /^Verify entry \d+$/ });
    assert.equal(await verify.count(), 1, 'one publication: app 2.0.0');
    await verify.click();
    await page.getByText(/^included \(\d+ proof hashes, root of \d+\)$/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'log-entries.png'), fullPage: true });
    await page.route('**/log/tile/0/**', async (route) => {
      const answer = await route.fetch();
      const tile = Buffer.from(await answer.body());
      tile.writeUInt8((tile[0] ?? 0) ^ 1, 0); // a forged hash tile no longer hashes to the root
      await route.fulfill({ response: answer, body: tile });
    });
    await page.goto(`${h.server}/log`);
    await page.getByLabel('Type').selectOption('patch-published');
    await page.getByRole('button', { name: /^Verify entry \d+$/ }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /inclusion proof/);
    await page.unroute('**/log/tile/0/**');
  });

  test('has no serious accessibility violations (axe-core)', async () => {
    const found = await fetch(`${h.server}/api/v1/devices?q=canary-1`, {
      headers: { authorization: `Bearer ${h.token}` },
    });
    const device = ((await found.json()) as { devices: { id: string }[] }).devices[0]?.id ?? '';
    await page.goto(`${h.server}/devices/${device}`);
    await page.getByRole('heading', { name: 'Open findings' }).waitFor();
    await page.getByRole('link', { name: rolloutPath.split('/').pop() ?? '' }).waitFor();
    for (const path of [
      '/',
      '/devices',
      rolloutPath,
      '/rollouts/new',
      '/patches',
      '/vulnerabilities',
      '/log',
    ]) {
      await page.goto(`${h.server}${path}`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const serious = await axe(page);
      assert.deepEqual(
        serious.map(
          (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
        ),
        [],
        `axe on ${path}`,
      );
    }
  });

  test('a viewer sees no action buttons, and a forged request is refused', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await signIn(viewerToken);
    await page.goto(`${h.server}${rolloutPath}`);
    await page
      .getByRole('heading', { name: 'app 2.0.0' })
      .waitFor()
      .catch(async (e: unknown) => {
        process.stdout.write(await page.content());
        throw e;
      });
    await page.getByRole('progressbar', { name: 'rollout', exact: true }).waitFor();
    for (const name of ['Approve', 'Pause', 'Resume', 'Abort', 'Rollback'])
      assert.equal(await page.getByRole('button', { name }).count(), 0, name);
    await page.goto(`${h.server}/rollouts`);
    await page.getByRole('heading', { name: 'Rollouts' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Start a rollout' }).count(), 0);
    const id = rolloutPath.split('/').pop() ?? '';
    const answers = await page.evaluate(async (rollout) => {
      const url = `/api/v1/rollouts/${rollout}/pause`;
      const forged = await fetch(url, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      const session = (await (await fetch('/api/v1/session')).json()) as { csrf: string };
      const asViewer = await fetch(url, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json', 'x-patchcast-csrf': session.csrf },
      });
      return [await forged.json(), await asViewer.json()] as { error: { code: string } }[];
    }, id);
    assert.equal(answers[0]?.error.code, 'CSRF_REFUSED', 'no CSRF header: refused');
    assert.equal(answers[1]?.error.code, 'FORBIDDEN', 'a viewer may not pause');
    await page.screenshot({ path: join(SHOTS, 'viewer-rollout.png'), fullPage: true });
  });
});
