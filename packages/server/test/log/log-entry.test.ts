import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLogEntry, parseLogEntry } from '@patchcast/protocol';
import type { LogEventInput } from '@patchcast/protocol';
import { loggedSelector } from '@patchcast/protocol';

const at = '2026-01-01T00:00:00.000Z';
const text = (s: string) => new TextEncoder().encode(s);

test('entries are canonical JSON that parse back to the same event', () => {
  const event: LogEventInput = {
    type: 'rollout-created',
    at,
    id: 'ro_1',
    patch: { name: 'p', version: '1' },
    targetPath: 'p/1/bundle.tar',
    selector: loggedSelector({ labels: { env: 'line\nbreak "quoted" \\' } }),
    devices: 2,
    by: 'op',
  };
  const bytes = encodeLogEntry(event);
  assert.match(new TextDecoder().decode(bytes), /^\{"at":.*"format":"patchcast-log\/v1"/);
  assert.deepEqual(parseLogEntry(bytes), { ...event, format: 'patchcast-log/v1' });
});

test('hostile or non-canonical entries are refused', () => {
  const good = new TextDecoder().decode(
    encodeLogEntry({ type: 'operator-action', at, by: 'op', action: 'a', target: 't' }),
  );
  const hostile = [
    good.replace('{"action"', '{ "action"'),
    good.replace('"by":"op",', ''),
    good.replace('"target":"t"', '"target":"t","extra":1'),
    good.replace('patchcast-log/v1', 'patchcast-log/v2'),
    good.replace('"type":"operator-action"', '"type":"unknown"'),
    good.replace('"at":"2026', '"at":"\\u0032026'),
    `${good} `,
    '[]',
    'null',
    '',
  ];
  for (const entry of hostile) {
    assert.notEqual(entry, good);
    assert.equal(parseLogEntry(text(entry)), undefined, entry);
  }
  assert.equal(parseLogEntry(new Uint8Array([0xff, 0xfe])), undefined, 'not UTF-8');
});

test('a selector too large for an entry is logged by its hash', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `dev_${i.toString().padStart(14, '0')}`);
  const logged = loggedSelector({ ids });
  assert.match(JSON.stringify(logged), /^\{"sha256":"[0-9a-f]{64}"\}$/);
  assert.throws(() =>
    encodeLogEntry({
      type: 'operator-action',
      at,
      by: 'x'.repeat(70_000),
      action: 'a',
      target: 't',
    }),
  );
});
