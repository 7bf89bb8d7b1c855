/**
 * Arrival order per recipient under Meta's pair rate limit (one message to a user every intervalMs). A send
 * whose pair slot is too far away is deferred through the job queue (or the batch's recipient row) rather than
 * waiting in place; without a place in line, a later message to the same person arriving when the slot is near
 * would wait in place, take the slot and go out first. So every send takes a ticket, its place in the
 * recipient's line, on first arrival: only the ticket at the front may take the slot (waiting in place up to
 * maxWaitMs); the others are told to come back when, in line order, their slot should be free. A ticket is
 * kept while its message is deferred or Meta refused it for now (it comes back), and given up once it was sent,
 * failed, skipped or stopped.
 *
 * In memory, per process (like PairPacer): a restart forgets every ticket and falls back to first come, first
 * served at the slot; the pair rate itself still holds (the slot, and Meta's 131056 backoff). Memory is
 * bounded: a waiting ticket whose message has not come back abandonedAfterMs after it was due (its job
 * cancelled, its batch paused) is dropped, and at most maxEntries tickets are kept (oldest lines dropped first).
 */

interface Ticket {
  key: string;
  /** Clock ms when its message should come back (deferred or refused for now). */
  due: number;
  /** Took the slot (waits in place, or is being sent): its booking is in the pacer's next slot already. */
  serving: boolean;
}

/** The least delay a ticket behind one being sent is told to come back after (no busy retries). */
export const MIN_COMEBACK_MS = 250;

export interface PairOrderOptions {
  intervalMs: number;
  maxEntries: number;
  now: () => number;
  /** How long past its due time a waiting ticket is kept; default max(2 intervals, 15 s). */
  abandonedAfterMs?: number;
}

export class PairOrder {
  /** recipient -> its line, first come first; insertion order = oldest line first. */
  private readonly lines = new Map<string, Ticket[]>();
  private tickets = 0;
  private lastSweep: number;
  private readonly abandonedAfterMs: number;

  constructor(private readonly options: PairOrderOptions) {
    this.abandonedAfterMs = options.abandonedAfterMs ?? Math.max(2 * options.intervalMs, 15_000);
    this.lastSweep = options.now();
  }

  /** Tickets currently held. */
  get size(): number {
    return this.tickets;
  }

  /**
   * The ticket's turn: 0 when it is at the front of the recipient's line and the slot (nextAllowedAt) is at
   * most maxWaitMs away (it takes the slot now); else the delay (ms) before it should come back, from its
   * place: each waiting ticket ahead takes one slot, not before it is due back. Takes a ticket on first call.
   */
  admit(recipient: string, key: string, nextAllowedAt: number, maxWaitMs: number): number {
    const now = this.options.now();
    if (now - this.lastSweep >= this.abandonedAfterMs || this.tickets >= this.options.maxEntries) this.sweep(now);
    let line = this.lines.get(recipient);
    if (!line) {
      line = [];
      this.lines.set(recipient, line);
    } else this.dropAbandoned(line, now);
    let place = line.findIndex((t) => t.key === key);
    if (place < 0) {
      place = line.push({ key, due: now, serving: false }) - 1;
      this.tickets += 1;
    }
    const ticket = line[place]!;
    let slot = Math.max(now, nextAllowedAt);
    for (let i = 0; i < place; i++) {
      const ahead = line[i]!;
      if (!ahead.serving) slot = Math.max(slot, ahead.due) + this.options.intervalMs;
    }
    if (place === 0) {
      if (slot - now <= maxWaitMs) {
        ticket.serving = true;
        return 0;
      }
      ticket.due = slot;
      return Math.ceil(slot - now);
    }
    const delay = Math.max(MIN_COMEBACK_MS, Math.ceil(slot - now));
    ticket.due = now + delay;
    return delay;
  }

  /** Its message comes back after delayMs (Meta refused it for now): it keeps its place, waiting. */
  later(recipient: string, key: string, delayMs: number): void {
    const ticket = this.lines.get(recipient)?.find((t) => t.key === key);
    if (!ticket) return;
    ticket.serving = false;
    ticket.due = this.options.now() + delayMs;
  }

  /** Its message is done here (sent, failed, skipped, stopped): the next in line may go. */
  release(recipient: string, key: string): void {
    const line = this.lines.get(recipient);
    const place = line?.findIndex((t) => t.key === key) ?? -1;
    if (!line || place < 0) return;
    line.splice(place, 1);
    this.tickets -= 1;
    if (line.length === 0) this.lines.delete(recipient);
  }

  private dropAbandoned(line: Ticket[], now: number): void {
    for (let i = line.length - 1; i >= 0; i--) {
      const t = line[i]!;
      if (!t.serving && now - t.due > this.abandonedAfterMs) {
        line.splice(i, 1);
        this.tickets -= 1;
      }
    }
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [recipient, line] of this.lines) {
      this.dropAbandoned(line, now);
      if (line.length === 0) this.lines.delete(recipient);
    }
    // Still too many: drop the oldest lines (their order falls back to first come at the slot).
    for (const [recipient, line] of this.lines) {
      if (this.tickets < this.options.maxEntries) break;
      this.lines.delete(recipient);
      this.tickets -= line.length;
    }
  }
}
