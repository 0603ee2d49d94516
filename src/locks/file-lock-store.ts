import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LeaseOwner } from './lock';

/**
 * The files of the file lease backend. A resource's lease is the file with the highest generation number,
 * `<resource, URI-encoded>.<generation>.lock`. Each file is written to a temporary name first and then linked
 * (created) or renamed (replaced) into place, so a reader never sees half a file.
 *
 * Generations make takeover exclusive: whoever replaces generation n creates n + 1 with link(), which fails for
 * everyone but the first, instead of renaming over the same name, where the last of two takers would silently win
 * after the first had already confirmed its own token. Only a generation's creator ever rewrites it (refresh), and
 * the highest generation is never deleted, so numbers never go back; releasing creates a released marker as the
 * next generation.
 */

export interface StoredLease {
  readonly token: string;
  readonly owner: LeaseOwner;
  readonly acquiredAt: number;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

export interface Released {
  readonly released: true;
  readonly releasedAt: number;
}

/** A generation's content; `unreadable` when the file is not one this backend wrote (damaged or foreign). */
export type Content = StoredLease | Released | 'unreadable';

export interface Generation {
  readonly resource: string;
  readonly generation: number;
  readonly content: Content;
}

const FILE_NAME = /^(.+)\.(\d{12})\.lock$/;

export class LeaseFiles {
  constructor(readonly dir: string) {}

  /** Every resource's current (highest) generation. */
  async currentAll(): Promise<Generation[]> {
    const highest = new Map<string, number>();
    for (const { resource, generation } of await this.names()) {
      highest.set(resource, Math.max(generation, highest.get(resource) ?? 0));
    }
    const current = await Promise.all([...highest].map(([resource]) => this.current(resource)));
    return current.filter((g): g is Generation => g !== null);
  }

  /** The resource's highest generation, or null when it never had a lease. */
  async current(resource: string): Promise<Generation | null> {
    // Bounded only against outside interference: a listed highest generation vanishes only if someone deletes it.
    for (let attempt = 0; attempt < 100; attempt++) {
      const generation = Math.max(0, ...(await this.generations(resource)));
      if (generation === 0) return null;
      const content = await this.read(resource, generation);
      // Gone between listing and reading: only a lower generation is ever deleted, so list again.
      if (content !== null) return { resource, generation, content };
    }
    throw new Error(`The lease files of ${resource} in ${this.dir} keep disappearing while being read.`);
  }

  async isHighest(resource: string, generation: number): Promise<boolean> {
    return Math.max(0, ...(await this.generations(resource))) === generation;
  }

  /** Creates the generation's file with this content; false when the generation already exists. */
  async create(resource: string, generation: number, content: StoredLease | Released): Promise<boolean> {
    const temp = await this.writeTemp(resource, content);
    try {
      await link(temp, this.path(resource, generation));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Replaces the generation's content in one step; only the generation's creator calls this. */
  async replace(resource: string, generation: number, content: StoredLease): Promise<void> {
    const temp = await this.writeTemp(resource, content);
    await rename(temp, this.path(resource, generation)).catch(async (error: unknown) => {
      await unlink(temp).catch(() => undefined);
      throw error;
    });
  }

  /** Deletes the resource's generations below this one. */
  async removeBelow(resource: string, generation: number): Promise<void> {
    const older = (await this.generations(resource)).filter((g) => g < generation);
    await Promise.all(older.map((g) => this.remove(resource, g)));
  }

  async remove(resource: string, generation: number): Promise<void> {
    await unlink(this.path(resource, generation)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  private path(resource: string, generation: number): string {
    return join(this.dir, `${encodeURIComponent(resource)}.${String(generation).padStart(12, '0')}.lock`);
  }

  private async generations(resource: string): Promise<number[]> {
    return (await this.names()).filter((n) => n.resource === resource).map((n) => n.generation);
  }

  private async names(): Promise<{ resource: string; generation: number }[]> {
    await mkdir(this.dir, { recursive: true });
    return (await readdir(this.dir)).flatMap((name) => {
      const match = FILE_NAME.exec(name);
      if (!match) return [];
      try {
        return [{ resource: decodeURIComponent(match[1]!), generation: Number(match[2]) }];
      } catch {
        return []; // not a name this backend wrote
      }
    });
  }

  private async read(resource: string, generation: number): Promise<Content | null> {
    let text: string;
    try {
      text = await readFile(this.path(resource, generation), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return parseContent(text);
  }

  /** Writes and syncs a temporary file next to the lease files (link and rename need the same file system). */
  private async writeTemp(resource: string, content: StoredLease | Released): Promise<string> {
    const temp = join(this.dir, `.${encodeURIComponent(resource)}.${randomUUID()}.tmp`);
    await mkdir(this.dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(content)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }
}

function parseContent(text: string): Content {
  try {
    const value = JSON.parse(text) as Partial<StoredLease & Released>;
    if (value.released === true && typeof value.releasedAt === 'number') return value as Released;
    if (
      typeof value.token === 'string' &&
      typeof value.owner?.id === 'string' &&
      typeof value.expiresAt === 'number' &&
      typeof value.heartbeatAt === 'number'
    ) {
      return value as StoredLease;
    }
  } catch {
    // falls through
  }
  return 'unreadable';
}
