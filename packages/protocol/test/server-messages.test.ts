/**
 * Server -> agent messages are must-ignore (agent-channel.md "Compatibility"): a newer server may
 * add fields and message types without cutting older agents off; a known message that is
 * malformed is still refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentMessage, parseServerMessage, unknownServerMessageType } from '../src/index.js';

test('a known server message with a field this agent does not know parses without it', () => {
  const text = JSON.stringify({
    type: 'welcome',
    deviceId: 'dev_a',
    heartbeatMs: 15000,
    labels: { env: 'prod' },
    futureField: { anything: [1, 2] },
  });
  assert.deepEqual(parseServerMessage(text), {
    type: 'welcome',
    deviceId: 'dev_a',
    heartbeatMs: 15000,
    labels: { env: 'prod' },
  });
  assert.equal(unknownServerMessageType(text), undefined);
});

test('a message of a type this agent does not know is told apart from a malformed one', () => {
  const future = JSON.stringify({ type: 'reboot-window', at: '2027-01-01T00:00:00Z' });
  assert.equal(parseServerMessage(future), undefined);
  assert.equal(unknownServerMessageType(future), 'reboot-window');
  const malformed = JSON.stringify({ type: 'notice', rolloutId: 7 });
  assert.equal(parseServerMessage(malformed), undefined, 'a known type must still be well-formed');
  assert.equal(unknownServerMessageType(malformed), undefined);
  for (const junk of ['not json', '[]', '{"type": 5}', `{"type":"${'x'.repeat(65)}"}`, '{}'])
    assert.equal(unknownServerMessageType(junk), undefined, junk);
});

test('agent -> server messages stay strict: an unknown field is refused', () => {
  const boot = { type: 'boot', bootId: 'b1' };
  assert.deepEqual(parseAgentMessage(JSON.stringify(boot)), boot);
  assert.equal(parseAgentMessage(JSON.stringify({ ...boot, extra: 1 })), undefined);
});
