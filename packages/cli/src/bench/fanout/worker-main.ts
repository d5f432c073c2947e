/** Entry of a fanout worker process: hosts many simulated agents and answers the benchmark. */
import { serveRequests } from '../rpc.js';
import { SimFleet } from './sim-fleet.js';
import { WORKER_REQUEST_KINDS } from './worker-messages.js';
import type { WorkerRequest } from './worker-messages.js';

const fleet = new SimFleet();
serveRequests<WorkerRequest>(WORKER_REQUEST_KINDS, (request) => fleet.handle(request));
