/** A small client for toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api). */

export interface ProxySpec {
  name: string;
  listen: string;
  upstream: string;
}

export type ToxicType = 'latency' | 'timeout' | 'reset_peer' | 'limit_data' | 'bandwidth' | 'slow_close';

export interface Toxic {
  name: string;
  type: ToxicType;
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  attributes: Record<string, number>;
}

export class Toxiproxy {
  constructor(private readonly api: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.api}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Creates the proxies that are missing, then enables all and removes every toxic. */
  async ensureProxies(specs: ProxySpec[]): Promise<void> {
    const existing = (await this.call('GET', '/proxies')) as Record<string, ProxySpec>;
    for (const spec of specs) {
      const current = existing[spec.name];
      if (current && (current.listen !== spec.listen || current.upstream !== spec.upstream)) {
        await this.call('DELETE', `/proxies/${spec.name}`);
      }
      if (!current || current.listen !== spec.listen || current.upstream !== spec.upstream) {
        await this.call('POST', '/proxies', { ...spec, enabled: true });
      }
    }
    await this.reset();
  }

  /** Every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  /** Disabled: every open connection is closed and new ones are refused, until enabled again. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${proxy}`, { enabled });
  }

  async addToxic(proxy: string, toxic: Toxic): Promise<void> {
    await this.call('POST', `/proxies/${proxy}/toxics`, {
      stream: 'downstream',
      toxicity: 1,
      ...toxic,
    });
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${proxy}/toxics/${name}`).catch((error: Error) => {
      if (!/404/.test(error.message)) throw error;
    });
  }
}
