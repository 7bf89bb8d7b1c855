#!/usr/bin/env bash
# Fails when the tables differ from the committed migrations: src/**/tables.ts against drizzle/ (SQLite,
# drizzle.config.ts) and src/**/tables.pg.ts against drizzle/pg/ (PostgreSQL, drizzle.pg.config.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
for config in drizzle.config.ts drizzle.pg.config.ts; do
  out=$(npx drizzle-kit generate --config "$config" 2>&1)
  echo "$config: $(echo "$out" | tail -n 1)"
done
if [ -n "$(git status --porcelain -- drizzle)" ]; then
  echo "drizzle-kit generated a migration: commit it (npm run db:generate and npm run db:generate:pg)." >&2
  git status --porcelain -- drizzle >&2
  exit 1
fi
