import fs from 'node:fs';

/**
 * Counts the transactions committed to a SQLite database's write-ahead log since it was last reset, read from the
 * -wal file itself: every commit ends with a frame whose "database size after commit" field is not zero. Frames left
 * over from before a reset carry old salts and are not counted. Callers turn automatic checkpoints off
 * (PRAGMA wal_autocheckpoint = 0) so that the log is not reset while they count.
 */
export function walCommits(databaseFile: string): number {
  const walFile = `${databaseFile}-wal`;
  if (!fs.existsSync(walFile)) return 0;
  const wal = fs.readFileSync(walFile);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits += 1;
  }
  return commits;
}
