/** The files installer: the journaled file transaction of `install/` (ADR 0007). */
import { recoverAll } from '../install/recover.js';
import { installFiles } from '../install/transaction.js';
import type { Installer } from './installer.js';

export const filesInstaller: Installer = {
  kind: 'files',
  install: (bundle, context) =>
    installFiles(
      { bundle, root: context.root, stateDir: context.stateDir, ...optional(context) },
      context.stateInRoot,
    ),
  recover: (context) => recoverAll(context.root, context.stateDir),
};

function optional(context: Parameters<Installer['recover']>[0]) {
  return {
    ...(context.env === undefined ? {} : { env: context.env }),
    ...(context.onPhase === undefined ? {} : { onPhase: context.onPhase }),
  };
}
