/**
 * A pure function of a string, remembered for its last inputs (at most `max`; the memory is dropped whole when
 * full). For parsing that costs far more than a map lookup and sees the same inputs again within a request or a
 * send (phone numbers are normalised several times on their way to Meta).
 */
export function memoized<T>(fn: (input: string) => T, max = 10_000): (input: string) => T {
  const memory = new Map<string, T>();
  return (input) => {
    if (memory.has(input)) return memory.get(input)!;
    const result = fn(input);
    if (memory.size >= max) memory.clear();
    memory.set(input, result);
    return result;
  };
}
