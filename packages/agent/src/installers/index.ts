export { installPatch, recoverInstalls, INSTALLERS } from './install-patch.js';
export type { InstallContext, Installer } from './installer.js';
