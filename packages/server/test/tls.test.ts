import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import { DEFAULT_CONFIG } from '../src/config.js';
import { checkTransport, isLoopback } from '../src/tls.js';

test('loopback hosts are told from the others', () => {
  for (const host of ['127.0.0.1', '127.10.0.3', '::1', 'localhost', '::ffff:127.0.0.1'])
    assert.equal(isLoopback(host), true, host);
  for (const host of [
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '192.168.1.2',
    'fe80::1',
    'example.org',
    '128.0.0.1',
  ])
    assert.equal(isLoopback(host), false, host);
});

test('plain HTTP beyond loopback needs --insecure-plain-http, and then warns', () => {
  const on = (host: string, extra = {}) => checkTransport({ ...DEFAULT_CONFIG, host, ...extra });
  assert.equal(on('127.0.0.1'), undefined);
  assert.throws(
    () => on('0.0.0.0'),
    (e) => e instanceof PatchcastError && e.code === 'TLS_REQUIRED',
  );
  assert.match(
    on('10.0.0.5', { insecurePlainHttp: true }) ?? '',
    /^WARNING: serving plain HTTP on 10\.0\.0\.5/,
  );
  const tls = { certFile: 'c.pem', keyFile: 'k.pem' };
  assert.equal(on('0.0.0.0', { tls }), undefined, 'TLS on any address is fine');
});
