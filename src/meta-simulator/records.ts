// What the simulator received, in order: the sends it accepted, the sends it refused and the read receipts (tests
// read them through MetaSimulator; GET /__simulator/sent-messages shows them).

export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  wabaId: string;
  to: string | null;
  recipientUserId: string | null;
  type: string;
  /** The exact parsed JSON body of the request. */
  body: Record<string, unknown>;
  at: Date;
  /** Last 4 characters of the bearer token; never the token. */
  tokenLast4: string;
  bizOpaqueCallbackData: string | null;
  templateCategory: string | null;
}

export interface RejectedSend {
  phoneNumberId: string;
  at: Date;
  body: unknown;
  tokenLast4: string;
  httpStatus: number;
  code: number | null;
  message: string;
}

export interface ReadReceipt {
  phoneNumberId: string;
  messageId: string;
  at: Date;
  tokenLast4: string;
}

export interface SentFilter {
  phoneNumberId?: string;
  to?: string;
}

export class SimulatorRecords {
  private sent: SentMessage[] = [];
  private rejected: RejectedSend[] = [];
  private reads: ReadReceipt[] = [];

  addSent(m: SentMessage): void {
    this.sent.push(m);
  }

  addRejected(r: RejectedSend): void {
    this.rejected.push(r);
  }

  addRead(r: ReadReceipt): void {
    this.reads.push(r);
  }

  sentMessages(filter: SentFilter = {}): SentMessage[] {
    return this.sent.filter(
      (m) => (!filter.phoneNumberId || m.phoneNumberId === filter.phoneNumberId) && (!filter.to || m.to === filter.to),
    );
  }

  rejectedSends(): RejectedSend[] {
    return [...this.rejected];
  }

  readReceipts(): ReadReceipt[] {
    return [...this.reads];
  }

  findSent(wamid: string): SentMessage | undefined {
    return this.sent.find((m) => m.wamid === wamid);
  }

  counts(): { sentCount: number; rejectedCount: number; readCount: number } {
    return { sentCount: this.sent.length, rejectedCount: this.rejected.length, readCount: this.reads.length };
  }

  clear(): void {
    this.sent = [];
    this.rejected = [];
    this.reads = [];
  }
}
