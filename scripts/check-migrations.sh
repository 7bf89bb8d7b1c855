#!/usr/bin/env bash
# Fails when the tables in src/**/tables.ts differ from the committed migrations in drizzle/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(npx drizzle-kit generate 2>&1)
echo "$out" | tail -n 3
if [ -n "$(git status --porcelain -- drizzle)" ]; then
  echo "drizzle-kit generated a migration: commit it (npm run db:generate)." >&2
  git status --porcelain -- drizzle >&2
  exit 1
fi
