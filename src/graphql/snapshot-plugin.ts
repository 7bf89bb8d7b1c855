import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { inTransaction } from '../platform/db.js';
import type { GraphQLContext } from './context.js';

/**
 * A query's answer is read from one snapshot on PostgreSQL: its resolvers and loaders read a configuration, then its
 * checks, then its credential, in separate statements, and under read committed a commit between two of them (a
 * check job finishing) would give a response whose status reason and checks disagree. The execution runs inside one
 * REPEATABLE READ transaction (platform/db.ts `snapshot`; not read-only: a read may seed defaults); store calls on the root handle go to it. On
 * SQLite nothing changes. Mutations keep their own transactions; subscriptions read per event.
 */
export function snapshotReadsPlugin(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const db = (args.contextValue as Partial<GraphQLContext>).deps?.db;
      if (db?.backend !== 'pg') return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      setExecuteFn((execArgs) => inTransaction(db, () => executeFn(execArgs), { snapshot: true }));
    },
  };
}
