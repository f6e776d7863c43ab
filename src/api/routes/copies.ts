/**
 * Copy trading beyond following: discover leaders, a leader's trades as the
 * source reports them, the copy decisions (all, or one trader's), the paper
 * account, and the engine's figures at /performance/copy.
 */
import type { FastifyInstance } from 'fastify';
import { copyJson } from '../../copytrading/copy-json.js';
import type { CopyService } from '../../copytrading/copy-service.js';
import type { TraderService } from '../../copytrading/trader-service.js';
import type { AmountInput } from '../../domain/decimal.js';
import { ValidationError } from '../../domain/errors.js';
import { ISO_TIME_FORMS, parseIsoTime } from '../../domain/iso-time.js';
import { cursorCodec } from '../../lib/cursor.js';
import type { CopyStatus } from '../../store/copy-repository.js';
import { listOf } from '../answers/common.js';
import { CopyJson, LeaderJson, LeaderTradeJson, PaperAccountJson, WatchListJson } from '../answers/copies.js';
import { CopyReportJson } from '../answers/performance.js';
import { currentUser } from '../auth.js';
import { type Static, type TSchema, Type } from '../json-schema.js';
import { Amount, IdParams } from '../requests/common.js';
import { LeadersQuery } from '../requests/copies.js';
import { typedRoutes } from '../type-provider.js';

export interface CopyRouteDeps {
  copy: CopyService;
  traders: Pick<TraderService, 'get'>;
}

const MAX_COPIES_PAGE = 500;

/** An empty body resets to the configured balance. */
const ResetBody: TSchema<{ balance?: AmountInput } | undefined> = Type.Object(
  { balance: Type.Optional(Amount) },
  { additionalProperties: false },
);

const iso = (ms: number): string => new Date(ms).toISOString();

/** Cursors of these lists: the last trade of the page (time, id), the last decision id, a rank. */
const tradeCursor = cursorCodec('t', ['int', 'text']);
const decisionCursor = cursorCodec('c', ['int']);
const rankCursor = cursorCodec('r', ['int']);

const CopiesQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['copied', 'skipped'] satisfies CopyStatus[])),
    traderId: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_COPIES_PAGE })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

type CopiesQueryT = Static<typeof CopiesQuery>;

export function copyRoutes(server: FastifyInstance, d: CopyRouteDeps): void {
  const app = typedRoutes(server);
  const decisionsPage = async (userId: number, q: CopiesQueryT, traderId?: number) => {
    const limit = q.limit ?? 50;
    const rows = await d.copy.decisions(userId, {
      ...(traderId !== undefined ? { traderId } : q.traderId !== undefined ? { traderId: q.traderId } : {}),
      ...(q.status ? { status: q.status } : {}),
      limit: limit + 1,
      beforeId: decisionCursor.decode(q.cursor)?.[0] ?? null,
    });
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return {
      items: items.map(copyJson),
      nextCursor: more ? decisionCursor.encode(items[items.length - 1]!.id) : null,
    };
  };

  app.get(
    '/copies',
    { schema: { querystring: CopiesQuery, response: { 200: listOf(CopyJson) } } },
    async (req) => decisionsPage(currentUser(req).id, req.query),
  );

  app.get(
    '/copies/watchers',
    {
      schema: {
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: WatchListJson },
      },
    },
    async (req) => ({
      items: (await d.copy.watchStatus(currentUser(req).id)).map((w) => ({
        ...w,
        lastTradeTs: w.lastTradeTs === null ? null : iso(w.lastTradeTs),
        checkedAt: iso(w.checkedAt),
      })),
    }),
  );

  app.get(
    '/traders/:id/copies',
    { schema: { params: IdParams, querystring: CopiesQuery, response: { 200: listOf(CopyJson) } } },
    async (req) => {
      const user = currentUser(req).id;
      await d.traders.get(user, req.params.id); // 404 or 403 before listing
      return decisionsPage(user, req.query, req.params.id);
    },
  );

  app.get(
    '/leaders',
    {
      schema: {
        querystring: LeadersQuery,
        response: { 200: listOf(LeaderJson) },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const offset = rankCursor.decode(q.cursor)?.[0] ?? 0;
      const { items, more } = await d.copy.leaders({
        source: q.source ?? 'simulated',
        sort: q.sort ?? 'pnl',
        window: q.window ?? '30d',
        limit,
        offset,
      });
      return {
        items: items.map((l) => ({ ...l, lastTradeTs: l.lastTradeTs === null ? null : iso(l.lastTradeTs) })),
        nextCursor: more ? rankCursor.encode(offset + limit) : null,
      };
    },
  );

  app.get(
    '/leaders/:source/:address/trades',
    {
      schema: {
        params: Type.Object(
          { source: Type.String({ maxLength: 20 }), address: Type.String({ maxLength: 128 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          {
            since: Type.Optional(Type.String({ maxLength: 40 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            cursor: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: listOf(LeaderTradeJson) },
      },
    },
    async (req) => {
      const { since } = req.query;
      let sinceMs: number | undefined;
      if (since !== undefined) {
        sinceMs = /^\d{1,15}$/.test(since) ? Number(since) : parseIsoTime(since)?.ms;
        if (sinceMs === undefined) {
          const message = `must be ${ISO_TIME_FORMS}, or epoch milliseconds`;
          throw new ValidationError(`query.since ${message}`, {
            details: [{ path: 'query.since', message }],
          });
        }
      }
      const cursor = tradeCursor.decode(req.query.cursor);
      const after = cursor ? { ts: cursor[0], id: cursor[1] } : undefined;
      const { items, more } = await d.copy.leaderTrades(req.params.source, req.params.address, {
        limit: req.query.limit ?? 100,
        ...(sinceMs !== undefined ? { since: sinceMs } : {}),
        ...(after ? { after } : {}),
      });
      const last = items.at(-1);
      return {
        items: items.map((t) => ({ ...t, ts: iso(t.ts) })),
        nextCursor: more && last ? tradeCursor.encode(last.ts, last.id) : null,
      };
    },
  );

  const accountJson = (a: Awaited<ReturnType<CopyService['account']>>) => ({
    venue: a.venue,
    balance: a.balance,
    initialBalance: a.initialBalance,
    resetAt: iso(a.resetAt),
    updatedAt: iso(a.updatedAt),
  });

  app.get('/paper-account', { schema: { response: { 200: PaperAccountJson } } }, async (req) =>
    accountJson(await d.copy.account(currentUser(req).id)),
  );

  app.post(
    '/paper-account/reset',
    {
      schema: {
        body: ResetBody,
        response: { 200: PaperAccountJson },
      },
    },
    async (req) => accountJson(await d.copy.resetAccount(currentUser(req).id, req.body?.balance)),
  );

  app.get(
    '/performance/copy',
    {
      schema: {
        response: { 200: CopyReportJson },
      },
    },
    async () => d.copy.report(),
  );
}
