/** The packaged agent's entry point, bundled into the single executable by `npm run package:agent`. */
import { agentExeMain } from './agent-exe.js';

void agentExeMain(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTty: process.stderr.isTTY,
}).then((code) => {
  process.exitCode = code;
});
