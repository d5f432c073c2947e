import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import { MAX_PLAN_BYTES, parsePlan, planIssues } from '../../src/rollout-plan/index.js';
import { BASE, edit, lineOf } from './base-plan.js';
import { CASES } from './hostile-cases.js';

function at(text: string, where: string | number): number {
  return typeof where === 'number' ? where : lineOf(text, where);
}

test('hostile plans: every case is rejected naming its line and field', () => {
  for (const c of CASES) {
    const line = at(c.text, c.at);
    let error: unknown;
    try {
      parsePlan(c.text, 'plan.yaml');
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof PatchcastError, `${c.name}: not rejected`);
    assert.equal(error.code, 'PLAN_INVALID', c.name);
    const field = c.field === '' ? '' : ` ${c.field}:`;
    assert.ok(
      error.message.startsWith(`plan.yaml:${line}:`),
      `${c.name}: ${error.message} (want line ${line})`,
    );
    assert.ok(
      error.message.includes(`${field} `),
      `${c.name}: ${error.message} (want field ${c.field})`,
    );
    assert.match(error.message, c.message, c.name);
    assert.match(error.hint ?? '', /docs\/protocol\/rollout-plan.md/);
  }
});

test('hostile plans: several problems are all listed, in line order', () => {
  const text = edit('percent: 40', 'percent: 0', edit('version: 1', 'version: 3'));
  const issues = planIssues(text);
  assert.deepEqual(
    issues.map((i) => i.field),
    ['version', 'waves[2].percent'],
  );
  try {
    parsePlan(text, 'p.yaml');
    assert.fail('accepted');
  } catch (error) {
    assert.match((error as PatchcastError).hint ?? '', /also: p\.yaml:13:5: waves\[2\]\.percent/);
  }
});

test('hostile plans: alias bombs and oversized files are refused', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 8; i += 1)
    lines.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(', ')}]`,
    );
  const bomb = planIssues(lines.join('\n'));
  assert.equal(bomb.length, 1);
  assert.match(bomb[0]?.message ?? '', /YAML: .*alias/i);
  const huge = `${BASE}\n# ${'x'.repeat(MAX_PLAN_BYTES)}\n`;
  assert.match(planIssues(huge)[0]?.message ?? '', /larger than/);
});
