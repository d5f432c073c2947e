#!/usr/bin/env node
// Renders docs/api.md from the server's OpenAPI description (ADR 0032), formatted by prettier:
// run after changing a route, a schema or an example (`npm run build` first). A test keeps the
// page equal to the description, so a forgotten run fails the suite.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from '../packages/server/dist/src/features/openapi/openapi-document.js';
import { renderApiMarkdown } from '../packages/server/dist/src/features/openapi/render-markdown.js';

const page = fileURLToPath(new URL('../docs/api.md', import.meta.url));
const markdown = renderApiMarkdown(buildOpenApiDocument({ version: 'docs' }));
const text = await format(markdown, { ...(await resolveConfig(page)), parser: 'markdown' });
writeFileSync(page, text);
console.log(`wrote ${text.split('\n').length} lines to ${page}`);
