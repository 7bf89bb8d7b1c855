/**
 * What long-lived connections (graphql-ws sockets, SSE streams) share: one key re-check timer for all of them, and
 * the caps on how many may be open.
 */

/**
 * Re-checks the API keys of open streams on ONE timer: each distinct key is checked once per interval however many
 * streams use it, and an idle stream holds no timer of its own. A revocation announced on the bus triggers a check
 * at once (checkNow); the timer stays as the safety net for one that was not announced.
 */
export class KeyWatcher {
  private readonly watches = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private checking = false;
  /** checkNow() came while a check ran: run one more when it ends. */
  private again = false;

  constructor(
    private readonly intervalMs: number,
    /** True while the Authorization value still authenticates. */
    private readonly stillValid: (authorization: string) => Promise<boolean>,
  ) {}

  /** Calls onRevoked (once) when the key stops authenticating; the returned function stops watching. */
  watch(authorization: string | undefined, onRevoked: () => void): () => void {
    if (this.stopped) return () => {};
    const key = authorization ?? '';
    let set = this.watches.get(key);
    if (!set) this.watches.set(key, (set = new Set()));
    set.add(onRevoked);
    this.timer ??= setInterval(() => void this.check(), this.intervalMs).unref();
    return () => {
      const current = this.watches.get(key);
      if (!current?.delete(onRevoked) || current.size > 0) return;
      this.watches.delete(key);
      this.idle();
    };
  }

  /** Streams under watch (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.watches.values()) n += set.size;
    return n;
  }

  /** No check may run once the service stops (the database closes after this). */
  stop(): void {
    this.stopped = true;
    this.watches.clear();
    this.idle();
  }

  /**
   * Checks every watched key now, not at the next tick: a key was revoked (on any instance). A check already
   * running is followed by one more, since it may have read the key before the revocation committed.
   */
  checkNow(): void {
    if (this.stopped || this.watches.size === 0) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    void this.check();
  }

  private async check(): Promise<void> {
    if (this.checking) return; // a slow database: the next tick checks again
    this.checking = true;
    try {
      do {
        this.again = false;
        await this.checkAll();
      } while (this.again && !this.stopped);
    } catch {
      // a check that could not run (the database closing) revokes nothing; the next tick tries again
    } finally {
      this.checking = false;
    }
  }

  private async checkAll(): Promise<void> {
    for (const [authorization, callbacks] of [...this.watches]) {
      if (this.stopped) return;
      if (await this.stillValid(authorization)) continue;
      if (this.stopped) return;
      this.watches.delete(authorization);
      for (const onRevoked of callbacks) onRevoked();
    }
    this.idle();
  }

  private idle(): void {
    if (this.watches.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export type ConnectionRefusal = { code: number; reason: string };

/** Caps on open live connections, in total and per API key. */
export class ConnectionCaps {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { total: number; perKey: number }) {}

  /** Checked when a socket upgrades (before its key is known): 1013 "try again later" above the total. */
  refuseUpgrade(openSockets: number): ConnectionRefusal | null {
    if (openSockets < this.limits.total) return null;
    return { code: 1013, reason: `Server connection limit reached (${this.limits.total}); try again later.` };
  }

  /** Takes a place for the key, or says why not (1008 policy violation). Every success needs one release(). */
  acquire(apiKeyId: string): ConnectionRefusal | null {
    if (this.total >= this.limits.total) {
      return { code: 1013, reason: `Server connection limit reached (${this.limits.total}); try again later.` };
    }
    const used = this.perKey.get(apiKeyId) ?? 0;
    if (used >= this.limits.perKey) {
      return { code: 1008, reason: `Too many connections for this API key (limit ${this.limits.perKey}).` };
    }
    this.perKey.set(apiKeyId, used + 1);
    this.total += 1;
    return null;
  }

  release(apiKeyId: string): void {
    const used = this.perKey.get(apiKeyId);
    if (!used) return;
    if (used === 1) this.perKey.delete(apiKeyId);
    else this.perKey.set(apiKeyId, used - 1);
    this.total -= 1;
  }

  get open(): number {
    return this.total;
  }
}
