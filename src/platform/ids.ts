import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Time-ordered ids (ULID layout: 48-bit millisecond time + 80 random bits, Crockford base32).
 * Sorting by id sorts by creation time, so cursor pagination needs no extra column,
 * and ids stay monotonic within one millisecond.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastTimeText = '';
const lastRandom = new Uint8Array(10);

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 40 bits (5 bytes from `offset`) -> 8 base32 characters, in plain numbers (exact below 2^53; no BigInt on the hot path). */
function encode40(bytes: Uint8Array, offset: number): string {
  let n = 0;
  for (let i = offset; i < offset + 5; i++) n = n * 256 + bytes[i]!;
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** 80 bits -> 16 base32 characters (40 is a multiple of 5, so the two halves encode independently). */
function encodeRandom(bytes: Uint8Array): string {
  return encode40(bytes, 0) + encode40(bytes, 5);
}

/** Adds one to the 80-bit number, in place (all ones wraps to zero). */
function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 255) {
      bytes[i]! += 1;
      return;
    }
    bytes[i] = 0;
  }
}

export function newId(now = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom);
  } else {
    lastTime = now;
    lastTimeText = encodeTime(now);
    randomFillSync(lastRandom);
  }
  return lastTimeText + encodeRandom(lastRandom);
}

/** The smallest id that newId() can produce at `ms`: every id made earlier sorts below it. */
export function idFloor(ms: number): string {
  return encodeTime(ms) + '0'.repeat(16);
}

/** URL-safe random token with `bytes` bytes of CSPRNG entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
