import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ed25519Cosigner,
  formatCosignatureLines,
  openCheckpoint,
  parseAddCheckpoint,
  parseCosignatureVerifierKey,
  parseNote,
  parseVerifierKey,
  verifyConsistency,
  verifyCosignatures,
} from '@patchcast/core';
import type { Checkpoint, Ed25519NoteSigner, LogIdentity } from '@patchcast/core';
import type { LogEventInput } from '@patchcast/protocol';
import { TransparencyLog } from '../../src/features/log/transparency-log.js';
import type { WitnessTransport } from '../../src/features/log/witness-client.js';
import type { LogStore } from '../../src/storage/store.js';
import { action, newSigner, tempStore } from './log-fixture.js';

const cosigner = ed25519Cosigner('witness.test/w1', new Uint8Array(32).fill(3));
const verifier = parseCosignatureVerifierKey(cosigner.verifierKey);

/** A witness in memory, with the checks of C2SP tlog-witness that matter to the client. */
function fakeWitness(log: LogIdentity) {
  const seen: number[] = [];
  let last: Checkpoint | undefined;
  let down = false;
  const transport: WitnessTransport = {
    post(_url, body) {
      if (down) return Promise.reject(new Error('connect ECONNREFUSED'));
      const request = parseAddCheckpoint(body);
      const { checkpoint, note } = openCheckpoint(request.checkpoint, log);
      if (request.oldSize !== (last?.size ?? 0)) {
        seen.push(409);
        return Promise.resolve({ status: 409, body: `${last?.size ?? 0}\n` });
      }
      if (last !== undefined && last.size > 0) {
        verifyConsistency({
          size1: last.size,
          root1: last.rootHash,
          size2: checkpoint.size,
          root2: checkpoint.rootHash,
          proof: request.proof,
        });
      }
      last = checkpoint;
      seen.push(200);
      const line = formatCosignatureLines(note.text, [cosigner.cosign(note.text, 1_800_000_000)]);
      return Promise.resolve({ status: 200, body: line });
    },
  };
  return {
    transport,
    seen,
    setDown: (value: boolean) => (down = value),
    size: () => last?.size,
  };
}

function publication(n: number): LogEventInput {
  return {
    type: 'patch-published',
    at: '2026-01-01T00:00:00.000Z',
    by: 'tester',
    name: 'app',
    version: `1.0.${n}`,
    targetPath: `app/1.0.${n}/bundle.tar`,
    sha256: 'a'.repeat(64),
    length: 10,
    targetsVersion: n + 2,
  };
}

function openWitnessed(
  store: LogStore,
  signer: Ed25519NoteSigner,
  transport: WitnessTransport,
  lines: string[] = [],
): Promise<TransparencyLog> {
  return TransparencyLog.open({
    store,
    signer,
    onError: () => undefined,
    witnesses: {
      endpoints: [{ url: 'http://witness.test', verifier }],
      transport,
      print: (line) => lines.push(line),
      waitMs: WAIT_MS,
      retry: { firstMs: 20, maxMs: 40 },
    },
  });
}

/** How long a publication waits for a cosignature: long enough that no test waits it out by chance. */
const WAIT_MS = 20_000;

function cosignatures(note: string): number {
  const parsed = parseNote(note);
  return verifyCosignatures(parsed.text, parsed.signatures, [verifier]).length;
}

test('a publication is cosigned before append returns; a restarted log follows the 409 size', async () => {
  const store = tempStore();
  const signer = newSigner();
  const witness = fakeWitness({
    origin: signer.name,
    verifiers: [parseVerifierKey(signer.verifierKey)],
  });
  let log = await openWitnessed(store.log, signer, witness.transport);
  await log.append(action(1));
  const index = await log.append(publication(1));
  assert.equal(witness.size(), index + 1);
  assert.equal(cosignatures(log.cosignedCheckpoint.note), 1);
  await log.close();
  const before = witness.seen.length;

  log = await openWitnessed(store.log, signer, witness.transport);
  const next = await log.append(publication(2));
  assert.equal(witness.size(), next + 1);
  assert.deepEqual(
    witness.seen.slice(before),
    [409, 200, 200],
    'from 0, then from the size it reported (its last checkpoint again), then the new one',
  );
  const proofCheckpoint = log.checkpointFor(index);
  assert.equal(proofCheckpoint.size, next + 1);
  assert.equal(cosignatures(proofCheckpoint.note), 1);
  await log.close();
});

test('a witness that is down never blocks the log; it is caught up in the background', async () => {
  const store = tempStore();
  const signer = newSigner();
  const witness = fakeWitness({
    origin: signer.name,
    verifiers: [parseVerifierKey(signer.verifierKey)],
  });
  const lines: string[] = [];
  const log = await openWitnessed(store.log, signer, witness.transport, lines);
  const first = await log.append(publication(1));
  witness.setDown(true);
  // A refused connection is an answer: the publication does not wait out the cosignature wait.
  const appended = log.append(publication(2));
  const outcome = await Promise.race([
    appended.then(() => 'appended'),
    new Promise((resolve) => setTimeout(resolve, WAIT_MS / 2, 'waited for the witness')),
  ]);
  assert.equal(outcome, 'appended', 'a refused connection does not wait');
  const second = await appended;
  assert.equal(cosignatures(log.cosignedCheckpoint.note), 0);
  assert.equal(log.checkpointFor(first).size, first + 1, 'proven against the cosigned checkpoint');
  assert.equal(cosignatures(log.checkpointFor(first).note), 1);
  assert.equal(log.checkpointFor(second).note, log.checkpoint.note, 'nothing cosigned holds it');
  assert.match(lines.join('\n'), /witness witness\.test\/w1 did not cosign: connect ECONNREFUSED/);

  witness.setDown(false);
  const deadline = Date.now() + 5000;
  while (cosignatures(log.cosignedCheckpoint.note) === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(cosignatures(log.cosignedCheckpoint.note), 1, 'retried without a new entry');
  assert.equal(cosignatures(log.checkpointFor(second).note), 1);
  assert.match(lines.join('\n'), /cosigns again/);
  await log.close();
});

test('a silent witness delays a publication by at most the wait, and other entries not at all', async () => {
  const store = tempStore();
  const signer = newSigner();
  const silent: WitnessTransport = { post: () => new Promise(() => undefined) };
  const waitMs = 3000;
  const log = await TransparencyLog.open({
    store: store.log,
    signer,
    onError: () => undefined,
    witnesses: {
      endpoints: [{ url: 'http://w', verifier }],
      transport: silent,
      print: () => {},
      waitMs,
    },
  });
  // An action entry does not wait for the witness: it is appended before the wait could end.
  const first = await Promise.race([
    log.append(action(1)).then(() => 'appended'),
    new Promise((resolve) => setTimeout(resolve, waitMs, 'waited for the witness')),
  ]);
  assert.equal(first, 'appended');
  // A publication waits for the cosignature, and no longer than the wait.
  const started = Date.now();
  await log.append(publication(1));
  const waited = Date.now() - started;
  assert.ok(waited >= waitMs - 5, `waited ${waited} ms`);
  assert.equal(log.cosignedCheckpoint.note, log.checkpoint.note);
  await log.close();
});
