export * from './names.js';
export * from './agent-channel.js';
export * from './api.js';
export * from './client.js';
export * from './key-file.js';
export * from './bundle/index.js';
export * from './rollout-plan/index.js';
export * from './inventory/index.js';
