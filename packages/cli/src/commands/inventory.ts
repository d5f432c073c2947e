import type { Command } from '../command.js';
import { listFlag, stringFlag } from '../args.js';
import { printJson } from '../context.js';

export const inventoryCommand: Command = {
  name: 'inventory',
  summary:
    "print this machine's package inventory (dpkg, rpm, npm, Python, os-release, kernel) as JSON",
  usage:
    'patchcast inventory [--npm-lockfile FILE]... [--npm-global DIR]... [--python-site DIR]... [--dpkg-status FILE] [--rpm-root DIR] [--rpm-dbpath DIR] [--os-release FILE]...',
  help: `Collects what the agent reports (docs/protocol/inventory.md) and prints it as JSON on stdout,
ready for \`patchcast scan --inventory FILE\`. Anything skipped is reported on stderr.

Options:
  --npm-lockfile FILE  an application's package-lock.json or npm-shrinkwrap.json; repeatable
  --npm-global DIR     a global node_modules folder, e.g. /usr/lib/node_modules; repeatable
  --python-site DIR    a site-packages folder or a virtual environment: its *.dist-info and
                       *.egg-info distributions are listed as PyPI packages; repeatable
  --dpkg-status FILE   the dpkg database (default: /var/lib/dpkg/status)
  --rpm-root DIR       read the rpm database of the file system at DIR (rpm --root)
  --rpm-dbpath DIR     read the rpm database in DIR (rpm --dbpath; inside --rpm-root if given)
  --os-release FILE    read the OS from FILE (default: /etc/os-release, then /usr/lib/os-release);
                       repeatable, the first that exists is read

Example:
  patchcast inventory --npm-lockfile /srv/app/package-lock.json > host.json`,
  options: {
    'npm-lockfile': { type: 'string', multiple: true },
    'npm-global': { type: 'string', multiple: true },
    'python-site': { type: 'string', multiple: true },
    'dpkg-status': { type: 'string' },
    'rpm-root': { type: 'string' },
    'rpm-dbpath': { type: 'string' },
    'os-release': { type: 'string', multiple: true },
  },
  positionals: { min: 0, max: 0 },
  async run(invocation) {
    const { collectPackageInventory } = await import('@patchcast/agent');
    const osRelease = listFlag(invocation, 'os-release');
    const { inventory, warnings } = await collectPackageInventory({
      dpkgStatusPath: stringFlag(invocation, 'dpkg-status'),
      rpm: {
        root: stringFlag(invocation, 'rpm-root'),
        dbPath: stringFlag(invocation, 'rpm-dbpath'),
      },
      npmLockfiles: listFlag(invocation, 'npm-lockfile'),
      osReleasePaths: osRelease.length === 0 ? undefined : osRelease,
      npmGlobalRoots: listFlag(invocation, 'npm-global'),
      pythonSites: listFlag(invocation, 'python-site'),
    });
    for (const w of warnings) invocation.io.err(`skipped ${w.source}: ${w.reason}\n`);
    printJson(invocation, inventory);
    return 0;
  },
};
