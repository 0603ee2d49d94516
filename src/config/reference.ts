import { z } from 'zod';
import { stringify } from 'yaml';
import { binarySize } from './binary-size';
import { CONFIG_DESCRIPTIONS, type KeyDescription } from './descriptions';
import { DURATION_PATTERN } from './duration';
import { configSchema } from './schema';

/**
 * The configuration reference (docs/config-reference.md), generated from the zod schema so that it cannot drift:
 * key paths, types, defaults, required keys and bounds are read from the schema's JSON Schema (zod's
 * toJSONSchema, input side: what an operator writes), the prose from descriptions.ts. `npm run docs:config`
 * writes the file; test/unit/config/reference.test.ts fails while it is stale.
 */

/** The JSON Schema subset zod emits for this schema. */
interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  anyOf?: Node[];
  const?: unknown;
  /** Set by unwrap: the key takes `false` besides the mapping (`worker.metrics: false`). */
  orFalse?: boolean;
}

export interface ReferenceEntry {
  /** Full path: `databases[].tables[].batchSize`. */
  path: string;
  /** The key itself: `batchSize`. */
  key: string;
  type: string;
  required: boolean;
  /** Whether the enclosing section is optional (a required key of an optional section). */
  inOptionalSection: boolean;
  default: unknown;
  allowed: string;
  description?: KeyDescription;
  /** Whether the schema has a default for this key. */
  hasDefault: boolean;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every key of the configuration, sections first, in the schema's order. */
export function referenceEntries(): ReferenceEntry[] {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const entries: ReferenceEntry[] = [];
  walk(root, '', false, entries);
  return entries;
}

function walk(node: Node, prefix: string, optionalParent: boolean, out: ReferenceEntry[]): void {
  const required = new Set(node.required ?? []);
  for (const [key, raw] of Object.entries(node.properties ?? {})) {
    const child = unwrap(raw);
    const path = prefix ? `${prefix}.${key}` : key;
    const isRequired = required.has(key);
    out.push({
      path,
      key,
      type: typeOf(child, key),
      required: isRequired,
      inOptionalSection: optionalParent,
      default: child.default,
      hasDefault: 'default' in child,
      allowed: allowedOf(child, key, path),
      description: CONFIG_DESCRIPTIONS[path],
    });
    const optional = optionalParent || (!isRequired && !('default' in child));
    if (child.type === 'object') walk(child, path, optional, out);
    if (child.type === 'array' && child.items && unwrap(child.items).type === 'object') {
      walk(unwrap(child.items), `${path}[]`, optional, out);
    }
  }
}

/**
 * An optional key may come as `anyOf: [T, null]`; the reference describes T. A section that may also be `false`
 * comes as `anyOf: [{ const: false }, { type: object }]`; the reference describes the section and says so.
 */
function unwrap(node: Node): Node {
  const options = node.anyOf?.filter((n) => n.type !== 'null');
  if (options && options.length === 1) return { ...options[0], ...withoutAnyOf(node) };
  const sections = options?.filter((n) => n.type === 'object') ?? [];
  if (sections.length === 1 && options!.every((n) => n.type === 'object' || n.const === false)) {
    return { ...sections[0], ...withoutAnyOf(node), orFalse: true };
  }
  return node;
}

function withoutAnyOf(node: Node): Node {
  const { anyOf: _anyOf, ...rest } = node;
  return rest;
}

function isDuration(node: Node): boolean {
  return node.type === 'string' && node.pattern === DURATION_PATTERN.source;
}

function typeOf(node: Node, key: string): string {
  if (isDuration(node)) return 'duration';
  if (node.enum) return 'enum';
  if (node.type === 'object') return node.orFalse ? 'mapping or `false`' : 'mapping';
  if (node.type === 'array')
    return node.items && unwrap(node.items).type === 'object' ? 'list of mappings' : 'list';
  if (node.type === 'integer' && key.endsWith('Bytes')) return 'integer (bytes)';
  if (node.type === 'string') return 'text';
  return node.type ?? 'any';
}

function allowedOf(node: Node, key: string, path: string): string {
  const custom = CONFIG_DESCRIPTIONS[path]?.allowed;
  if (custom) return custom;
  if (isDuration(node)) {
    return 'a duration: a number with a unit (`ms`, `s`, `m`, `h`, `d`, `w`), units combined largest first (`1h30m`); more than zero';
  }
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (node.type === 'integer' || node.type === 'number') return rangeOf(node, key);
  if (node.type === 'boolean') return '`true` or `false`';
  if (node.type === 'array') return `a list of at least ${node.minItems ?? 0}`;
  if (node.type === 'object') return 'a mapping of the keys below';
  if (node.pattern) return `text matching \`${node.pattern}\``;
  if (node.minLength) return 'non-empty text';
  return 'text';
}

function rangeOf(node: Node, key: string): string {
  const noun = node.type === 'integer' ? 'an integer' : 'a number';
  const show = (n: number) => (key.endsWith('Bytes') ? `${n} (${binarySize(n)})` : String(n));
  const { minimum, maximum } = node;
  if (minimum !== undefined && maximum !== undefined && maximum < MAX_SAFE) {
    return `${noun} from ${show(minimum)} to ${show(maximum)}`;
  }
  if (minimum !== undefined) return `${noun}, at least ${show(minimum)}`;
  if (maximum !== undefined) return `${noun}, at most ${show(maximum)}`;
  return noun;
}

function defaultOf(entry: ReferenceEntry): string {
  if (entry.required) return entry.inOptionalSection ? 'required in its section' : 'required';
  const described = entry.description?.default;
  if (described) return described;
  if (!entry.hasDefault) return 'not set';
  if (entry.type === 'mapping') return 'every key at its default';
  if (entry.default === '') return 'empty';
  const shown = `\`${inlineYaml(entry.default)}\``;
  return entry.type === 'integer (bytes)' ? `${shown} (${binarySize(entry.default as number)})` : shown;
}

/** The YAML example printed for a key: the one in descriptions.ts, else the key set to its default. */
export function exampleOf(entry: ReferenceEntry): string | undefined {
  const written = entry.description?.example;
  if (written) return written;
  if (entry.hasDefault && entry.type !== 'mapping' && entry.default !== '') {
    return `${entry.key}: ${inlineYaml(entry.default)}`;
  }
  return undefined;
}

function inlineYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** The whole of docs/config-reference.md. The layout is what prettier would print, so `npm run lint` agrees. */
export function renderConfigReference(): string {
  const entries = referenceEntries();
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` from src/config/schema.ts and src/config/descriptions.ts. Do not edit: change those and regenerate. -->',
    '',
    'Every key of the YAML configuration file, generated from the schema the archiver validates it with. How the',
    'file is read (environment variables, durations, error messages) is in [configuration.md](configuration.md).',
    'A key not listed here is an error.',
    '',
    table(
      ['key', 'type', 'default'],
      entries.map((entry) => [`[\`${entry.path}\`](#${anchor(entry.path)})`, entry.type, defaultOf(entry)]),
    ),
  ];
  for (const entry of entries) {
    lines.push('', `## \`${entry.path}\``, '');
    if (entry.description) lines.push(entry.description.description, '');
    lines.push(`- type: ${entry.type}`);
    lines.push(`- default: ${defaultOf(entry)}`);
    lines.push(`- allowed: ${entry.allowed}`);
    const example = exampleOf(entry);
    if (example) lines.push('', '```yaml', example, '```');
  }
  return lines.join('\n') + '\n';
}

/** GitHub's heading anchor for `` `path` ``: lowercase, punctuation dropped except `-` and `_`. */
function anchor(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9_ -]/g, '');
}

/** A markdown table with padded columns, as prettier aligns them. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(3, ...all.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
