/** core uses Node's Buffer (base64, hex, readUInt32BE): the `buffer` package stands in. */
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
