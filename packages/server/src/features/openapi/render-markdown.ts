/**
 * docs/api.md from the OpenAPI document: each route with its role, parameters, body and answers,
 * then each schema's fields. `scripts/render-api-doc.mjs` writes it; a test keeps it current.
 */
import type { OpenApiDocument } from './openapi-document.js';

type Json = Record<string, unknown>;

const HEADER = `# HTTP API reference

Generated from the server's OpenAPI 3.1 description (\`GET /api/v1/openapi.json\`, ADR 0032) by
\`node scripts/render-api-doc.mjs\` (after \`npm run build\`); a test fails when this page is not
current. Roles are in [security.md](security.md), error codes in [errors.md](errors.md): every
error answers \`{"error": {"code", "message", "hint"}}\` (the \`Error\` schema).
`;

export function renderApiMarkdown(document: OpenApiDocument): string {
  const out = [HEADER];
  const tags = (document.tags as { name: string }[]).map((t) => t.name);
  for (const tag of tags) {
    out.push(`## ${tag}\n`);
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if ((op.tags as string[])[0] === tag) out.push(operation(method, path, op));
      }
    }
  }
  out.push('## Schemas\n');
  for (const [name, schema] of Object.entries(document.components.schemas))
    out.push(component(name, schema));
  return out.join('\n');
}

function operation(method: string, path: string, op: Json): string {
  const lines = [`### \`${method.toUpperCase()} ${path}\`\n`, `${String(op.summary)}.\n`];
  lines.push(`${String(op.description)}\n`);
  const params = (op.parameters as Json[]).map(
    (p) =>
      `- \`${String(p.name)}\` (${String(p.in)}${p.required === true ? ', required' : ''}): ${typeOf(p.schema as Json)}`,
  );
  if (params.length > 0) lines.push(`Parameters:\n\n${params.join('\n')}\n`);
  const body = op.requestBody as { content: Record<string, Json> } | undefined;
  if (body !== undefined) lines.push(...media('Request body', body.content));
  const responses = Object.entries(op.responses as Record<string, Json>);
  for (const [status, response] of responses.filter(([s]) => Number(s) < 400)) {
    const content = response.content as Record<string, Json> | undefined;
    if (content === undefined)
      lines.push(`Answer \`${status}\`: ${String(response.description)}\n`);
    else lines.push(...media(`Answer \`${status}\``, content));
  }
  const errors = responses
    .filter(([s]) => Number(s) >= 400)
    .map(([status, r]) => `\`${status}\` ${codesOf(r).join(', ')}`);
  lines.push(`Errors: ${errors.join('; ')}.\n`);
  return lines.join('\n');
}

function media(title: string, content: Record<string, Json>): string[] {
  const lines: string[] = [];
  for (const [type, m] of Object.entries(content)) {
    lines.push(`${title} (\`${type}\`): ${typeOf(m.schema as Json)}\n`);
    if (m.example === undefined) continue;
    const text = typeof m.example === 'string' ? m.example : JSON.stringify(m.example, null, 2);
    lines.push(
      `\`\`\`${type === 'application/json' ? 'json' : 'text'}\n${text.trimEnd()}\n\`\`\`\n`,
    );
  }
  return lines;
}

function codesOf(response: Json): string[] {
  const content = response.content as Record<string, { examples?: Json }>;
  return Object.keys(content['application/json']?.examples ?? {}).map((code) => `\`${code}\``);
}

function component(name: string, schema: Json): string {
  const lines = [`### ${name}\n`, `${typeOf(schema)}\n`];
  const properties = schema.properties as Record<string, Json> | undefined;
  if (properties !== undefined) {
    const required = new Set((schema.required ?? []) as string[]);
    lines.push('| field | type | required |', '| --- | --- | --- |');
    for (const [field, property] of Object.entries(properties))
      lines.push(`| \`${field}\` | ${typeOf(property)} | ${required.has(field) ? 'yes' : ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** A schema in a few words: `string`, `array of [Device](#device)`, `"a" \| "b"`. */
export function typeOf(schema: Json | undefined): string {
  if (schema === undefined || Object.keys(schema).length === 0) return 'any';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (union !== undefined) return union.map(typeOf).join(' or ');
  const types = ([] as unknown[]).concat(schema.type ?? []) as string[];
  if (types.includes('array')) return `array of ${typeOf(schema.items as Json)}`;
  if (types.includes('object') && schema.properties === undefined) {
    const values = schema.additionalProperties;
    return typeof values === 'object' ? `map of ${typeOf(values as Json)}` : 'object';
  }
  return types.join(' or ') || 'any';
}
