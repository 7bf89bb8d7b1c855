/** Waiting on what the service does in the background: poll with a deadline, never sleep blindly. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export interface WaitForOptions<T> {
  /** Names the thing in the timeout error, e.g. `credential ${id}`. */
  what: string;
  timeoutMs?: number;
  intervalMs: number;
  /** How the timeout error shows the last value read. */
  show?: (last: T | null) => string;
}

/** Reads until `done` holds for the value read (null: nothing to read yet); on timeout the error shows the last read. */
export async function waitFor<T>(
  read: () => Promise<T | null>,
  done: (value: T) => boolean,
  { what, timeoutMs = 10_000, intervalMs, show = (last) => JSON.stringify(last) }: WaitForOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | null = null;
  while (Date.now() < deadline) {
    last = await read();
    if (last !== null && done(last)) return last;
    await sleep(intervalMs);
  }
  throw new Error(`${what} did not reach the expected state; last: ${show(last)}`);
}
