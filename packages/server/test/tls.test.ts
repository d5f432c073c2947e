import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchcastError } from '@patchcast/core';
import { DEFAULT_CONFIG } from '../src/config.js';
import { checkTransport, isLoopback } from '../src/tls.js';
import { audiencesOf, checkPublicUrls } from '../src/public-origins.js';

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

test('agents sign for the public origins: --public-url, else the listen address', () => {
  const config = { ...DEFAULT_CONFIG, host: '127.0.0.1', port: 0 };
  assert.deepEqual(audiencesOf(config, 'http://127.0.0.1:8123'), [
    '127.0.0.1:8123',
    'localhost:8123',
    '[::1]:8123',
  ]);
  assert.deepEqual(audiencesOf({ ...config, host: '10.0.0.5' }, 'https://10.0.0.5:8443'), [
    '10.0.0.5:8443',
  ]);
  const publicUrls = [
    'https://patch.example.org',
    'https://patch.example.org:443',
    'http://10.0.0.5:8080',
  ];
  assert.deepEqual(audiencesOf({ ...config, publicUrls }, 'https://0.0.0.0:8443'), [
    'patch.example.org',
    '10.0.0.5:8080',
  ]);
});

test('--public-url must be an origin; a wildcard listen address needs one', () => {
  const refused = (extra: object, code: string) =>
    assert.throws(
      () => checkPublicUrls({ ...DEFAULT_CONFIG, ...extra }),
      (e) => e instanceof PatchcastError && e.code === code,
    );
  refused({ publicUrls: ['ftp://x'] }, 'USAGE');
  refused({ publicUrls: ['https://x/path'] }, 'USAGE');
  refused({ publicUrls: ['not a url'] }, 'USAGE');
  refused({ host: '0.0.0.0' }, 'CONFIG_INVALID');
  refused({ host: '::' }, 'CONFIG_INVALID');
  checkPublicUrls({ ...DEFAULT_CONFIG, host: '0.0.0.0', publicUrls: ['https://x:8443'] });
  checkPublicUrls({ ...DEFAULT_CONFIG, host: '10.0.0.5' });
});
