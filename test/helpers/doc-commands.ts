/**
 * The example commands of the project's documentation (README.md and docs/**\/*.md), as a reader would copy
 * them: every command of a ```sh, ```bash, ```shell or ```console block (in a console block, the `$ ` lines),
 * and every inline code span that is an `archiver …`, `npx archiver …`, `npm run …` or `bash scripts/…`
 * command. test/integration/docs-commands.test.ts requires each one to be run by a test, or marked in the doc,
 * next to it, as not run, with the reason:
 *
 *     <!-- docs-test: not run: needs a Docker engine -->
 *
 * A marker covers the commands of the fenced block or paragraph it stands in or just before (blank lines between
 * are fine). With a quoted prefix it covers only the commands that start with it:
 *
 *     <!-- docs-test: not run "npm run services:down": stops the services everyone on the machine uses -->
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface DocCommand {
  /** Path from the repository root, e.g. `docs/restore.md`. */
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  /** The command as written, continuation lines joined, runs of spaces made one, trailing comment removed. */
  command: string;
  /** The comment that followed it on its line (`# …`), without the `#`; often what it prints. */
  comment?: string;
  kind: 'block' | 'inline';
  /** The reason given by a `docs-test: not run` marker, when the doc marks it. */
  notRun?: string;
}

interface Marker {
  prefix?: string;
  reason: string;
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
const INLINE_COMMAND = /^(?:(?:npx archiver|archiver|npm run)\s+\S|bash scripts\/)/;
const MARKER = /<!--\s*docs-test:\s*not run(?:\s+"([^"]+)")?:\s*([\s\S]*?)\s*-->/g;
const FENCE = /^\s*(```+|~~~+)\s*([\w-]*)/;

/** README.md and every markdown file under docs/, as paths from the repository root. */
export function docFiles(root = REPO_ROOT): string[] {
  const found = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found.sort();
}

/** Every example command of every doc file. */
export function docCommands(root = REPO_ROOT): DocCommand[] {
  return docFiles(root).flatMap((file) => commandsOf(file, readFileSync(join(root, file), 'utf8')));
}

/** The example commands of one markdown text. */
export function commandsOf(file: string, markdown: string): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let paragraph: { start: number; text: string[] } | null = null;
  // The markers of a paragraph that holds nothing else cover the next block or paragraph.
  let pending: Marker[] = [];
  const flushParagraph = (): void => {
    if (!paragraph) return;
    const text = paragraph.text.join('\n');
    const markers = markersIn(text);
    const covering = [...pending, ...markers];
    for (const c of inlineCommands(file, paragraph.start, paragraph.text))
      commands.push(withMarker(c, covering));
    pending = text.replace(MARKER, '').trim() === '' ? covering : [];
    paragraph = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (fence) {
      flushParagraph();
      const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence[1]!));
      const close = end === -1 ? lines.length : end;
      if (SHELL_LANGUAGES.has(fence[2]!)) {
        for (const c of blockCommands(lines.slice(i + 1, close), fence[2] === 'console')) {
          const command: DocCommand = {
            file,
            line: i + 2 + c.offset,
            command: c.command,
            ...(c.comment !== undefined ? { comment: c.comment } : {}),
            kind: 'block',
          };
          commands.push(withMarker(command, pending));
        }
      }
      pending = [];
      i = close;
      continue;
    }
    if (lines[i]!.trim() === '') flushParagraph();
    else (paragraph ??= { start: i + 1, text: [] }).text.push(lines[i]!);
  }
  flushParagraph();
  return commands;
}

function markersIn(text: string): Marker[] {
  return [...text.matchAll(MARKER)].map((m) => ({
    ...(m[1] !== undefined ? { prefix: m[1] } : {}),
    reason: m[2]!.replace(/\s+/g, ' '),
  }));
}

/** The command, with the reason of the first marker that covers it. */
function withMarker(command: DocCommand, markers: Marker[]): DocCommand {
  const marker = markers.find((m) => m.prefix === undefined || command.command.startsWith(m.prefix));
  return marker ? { ...command, notRun: marker.reason } : command;
}

/** Commands of a shell block: `\` continuations joined; comment lines and, in console blocks, output skipped. */
function blockCommands(
  body: string[],
  console: boolean,
): { offset: number; command: string; comment?: string }[] {
  const found: { offset: number; command: string; comment?: string }[] = [];
  for (let k = 0; k < body.length; k++) {
    const start = k;
    let text = body[k]!;
    if (console) {
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    }
    while (/\\\s*$/.test(text) && k + 1 < body.length) {
      text = `${text.replace(/\\\s*$/, '')} ${body[++k]!.trim()}`;
    }
    const { code, comment } = splitComment(text);
    const command = code.replace(/\s+/g, ' ').trim();
    if (command !== '') found.push({ offset: start, command, ...(comment !== undefined ? { comment } : {}) });
  }
  return found;
}

/** Splits `cmd   # comment` at the first `#` that starts a word outside quotes. */
export function splitComment(text: string): { code: string; comment?: string } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      return { code: text.slice(0, i), comment: text.slice(i + 1).trim() };
    }
  }
  return { code: text };
}

/** Inline code spans of one paragraph that are commands (markers, which may quote commands, left out). */
function inlineCommands(file: string, start: number, text: string[]): DocCommand[] {
  const commands: DocCommand[] = [];
  text.forEach((line, offset) => {
    for (const match of line.replace(MARKER, '').matchAll(/`([^`]+)`/g)) {
      const command = match[1]!.trim();
      if (INLINE_COMMAND.test(command))
        commands.push({ file, line: start + offset, command, kind: 'inline' });
    }
  });
  return commands;
}

/** `file:line`, for messages. */
export function where(command: DocCommand): string {
  return `${command.file}:${command.line}`;
}
