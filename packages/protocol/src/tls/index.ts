export { clientTlsOptions, presentClientCertificate, tlsFailureOf, trustCaFile } from './trust.js';
