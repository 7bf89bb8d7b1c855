import { resolveNodes } from '@pothos/plugin-relay';
import { builder } from './builder.js';
import { parseNodeId } from './ids.js';

/**
 * node(id:) and nodes(ids:) with the id rule of ids.ts: each malformed, unknown-type, foreign or
 * missing id is answered with null on its own, so one bad id never fails a whole nodes list.
 */
builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Fetches any object of your sandbox by its global id; null when the id is malformed or the object does not exist for you.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as returned in any id field.' }) },
    resolve: async (_root, args, ctx, info) => {
      const [found] = await resolveNodes(builder, ctx, info, [parseNodeId(String(args.id), info.schema)]);
      return found ?? null;
    },
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: 'Fetches several objects by global id, in order; null for each id that is malformed or does not exist for you.',
    args: { ids: t.arg.idList({ required: true, description: 'Global ids, as returned in any id field.' }) },
    resolve: (_root, args, ctx, info) =>
      resolveNodes(
        builder,
        ctx,
        info,
        args.ids.map((id) => parseNodeId(String(id), info.schema)),
      ),
  }),
}));
