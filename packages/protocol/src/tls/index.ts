export { clientTlsOptions, tlsFailureOf, trustCaFile } from './trust.js';
