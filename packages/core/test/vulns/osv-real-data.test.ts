/**
 * Every real OSV record in ../shared/data parses or is reported precisely. The Debian ELTS set
 * is known to hold 17 truncated fixed versions and one schema violation (ranges as an object).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseOsvRecord } from '../../src/vulns/osv-parse.js';
import { sharedData } from './fixtures.js';

interface Outcome {
  readonly parsed: number;
  readonly reported: ReadonlyMap<string, string>;
}

function parseFolder(dir: URL): Outcome {
  let parsed = 0;
  const reported = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const value: unknown = JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
    const result = parseOsvRecord(value);
    if (result.ok) parsed += 1;
    else reported.set(result.id ?? name, `${result.problem.path}: ${result.problem.reason}`);
  }
  return { parsed, reported };
}

const TRUNCATED: Readonly<Record<string, string>> = {
  'ELA-1047-1': 'affected[1].ranges[0].events[1].fixed',
  'ELA-1094-1': 'affected[1].ranges[0].events[1].fixed',
  'ELA-1168-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-1245-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-1325-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-148-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-168-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-214-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-230-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-31-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-376-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-408-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-698-1': 'affected[1].ranges[0].events[1].fixed',
  'ELA-87-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-895-1': 'affected[0].ranges[0].events[1].fixed',
  'ELA-904-1': 'affected[1].ranges[0].events[1].fixed',
  'ELA-908-1': 'affected[0].ranges[0].events[1].fixed',
};

test('Debian ELTS: 1,694 of 1,712 records parse; the 18 dirty ones are reported precisely', (t) => {
  const dir = sharedData('osv/debian-elts/');
  if (dir === undefined)
    return t.skip('../shared/data/osv/debian-elts is absent: real-data test not run');
  const { parsed, reported } = parseFolder(dir);
  assert.equal(parsed + reported.size, 1712);
  assert.equal(parsed, 1694);
  assert.deepEqual([...reported.keys()].sort(), [...Object.keys(TRUNCATED), 'ELA-669-1'].sort());
  for (const [id, path] of Object.entries(TRUNCATED)) {
    assert.match(
      reported.get(id) ?? '',
      new RegExp(
        `^${path.replace(/[[\].]/g, '\\$&')}: Debian version ".*\\." ends in '\\.' and looks truncated$`,
      ),
    );
  }
  assert.equal(reported.get('ELA-669-1'), 'affected[0].ranges: expected an array, found an object');
});

test('Go: all 4,291 records parse', (t) => {
  const dir = sharedData('osv/go/');
  if (dir === undefined) return t.skip('../shared/data/osv/go is absent: real-data test not run');
  const { parsed, reported } = parseFolder(dir);
  assert.deepEqual([...reported], []);
  assert.equal(parsed, 4291);
});
