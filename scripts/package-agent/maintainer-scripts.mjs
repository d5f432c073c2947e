/**
 * What the package managers run around the agent's files: systemd learns of a new or changed
 * unit, an upgrade restarts a running agent, a removal stops and disables it. Nothing runs when
 * systemd is not the init system. The unit is never started by the install: enrolling comes first.
 */
const ON_SYSTEMD = '[ -d /run/systemd/system ]';
const SYSTEMD = `if ${ON_SYSTEMD}; then`;

export const DEB_SCRIPTS = {
  postinst: [
    '#!/bin/sh',
    'set -e',
    `${SYSTEMD} systemctl daemon-reload || true`,
    '  if [ "$1" = configure ] && [ -n "$2" ]; then systemctl try-restart patchcast-agent.service || true; fi',
    'fi',
    '',
  ].join('\n'),
  prerm: [
    '#!/bin/sh',
    'set -e',
    `if [ "$1" = remove ] && ${ON_SYSTEMD}; then`,
    '  systemctl disable --now patchcast-agent.service || true',
    'fi',
    '',
  ].join('\n'),
  postrm: ['#!/bin/sh', 'set -e', `${SYSTEMD} systemctl daemon-reload || true; fi`, ''].join('\n'),
};

/** The same for rpm: $1 counts the installed instances after the transaction. */
export const RPM_SCRIPTS = [
  '%post',
  `${SYSTEMD} systemctl daemon-reload || true; fi`,
  '%preun',
  `if [ "$1" -eq 0 ] && ${ON_SYSTEMD}; then systemctl disable --now patchcast-agent.service || true; fi`,
  '%postun',
  `${SYSTEMD} systemctl daemon-reload || true`,
  '  if [ "$1" -ge 1 ]; then systemctl try-restart patchcast-agent.service || true; fi',
  'fi',
];
