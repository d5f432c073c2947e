export { startServer, SERVER_VERSION } from './main.js';
export type { RunningServer, StartOptions } from './main.js';
export { DEFAULT_CONFIG } from './config.js';
export type { ServerConfig } from './config.js';
