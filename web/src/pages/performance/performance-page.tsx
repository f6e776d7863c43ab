/**
 * The performance page: why the bot is fast. Cache hit rates per kind,
 * upstream calls saved and batch sizes, stream counters, and — where the
 * observability routes exist — database (slow queries with plans), system
 * (p50/p99 per route, event-loop lag, memory), indexes, monitor, alerts and
 * the job queue. Refreshed every 5 s; a missing route says so.
 */
import type { ComponentChildren } from 'preact';
import type {
  CacheKindFigures,
  CacheReport,
  Job,
  MarketDataReport,
  StreamsReport,
  VenueTraffic,
} from '../../api/types';
import { type Endpoint, useEndpoint } from '../../api/use-endpoint';
import { JsonView } from '../../components/data-view';
import { fmtNum, fmtPct } from '../../components/format';

const REFRESH_MS = 5000;

function Panel<T>({
  title,
  ep,
  children,
}: {
  title: string;
  ep: Endpoint<T>;
  children: (data: T) => ComponentChildren;
}) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {ep.missing ? (
        <p class="hint">Not available on this server yet.</p>
      ) : ep.error ? (
        <p class="error">{ep.error}</p>
      ) : ep.data === undefined ? (
        <p class="hint">Loading…</p>
      ) : (
        children(ep.data)
      )}
    </section>
  );
}

function HitBar({ rate }: { rate: number | null }) {
  return (
    <span class="hitbar" aria-hidden="true">
      <span style={{ width: `${Math.round((rate ?? 0) * 100)}%` }} />
    </span>
  );
}

function CacheTable({ kinds }: { kinds: CacheKindFigures[] }) {
  return (
    <div class="table-scroll">
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Hit rate</th>
            <th scope="col" class="num">
              Hits
            </th>
            <th scope="col" class="num">
              Misses
            </th>
            <th scope="col" class="num">
              Stale served
            </th>
            <th scope="col" class="num">
              Evictions
            </th>
            <th scope="col" class="num">
              Load p50 / p99 ms
            </th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k.kind}>
              <th scope="row">{k.kind}</th>
              <td>
                <HitBar rate={k.hitRate} /> {fmtPct(k.hitRate)}
              </td>
              <td class="num">{fmtNum(k.hits)}</td>
              <td class="num">{fmtNum(k.misses)}</td>
              <td class="num">{fmtNum(k.staleServed)}</td>
              <td class="num">{fmtNum(k.evictions)}</td>
              <td class="num">
                {fmtNum(k.factoryLatencyMs.p50)} / {fmtNum(k.factoryLatencyMs.p99)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VenueTable({ venues }: { venues: VenueTraffic[] }) {
  return (
    <div class="table-scroll">
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Venue</th>
            <th scope="col" class="num">
              Requests
            </th>
            <th scope="col" class="num">
              Upstream calls
            </th>
            <th scope="col" class="num">
              Calls saved
            </th>
            <th scope="col" class="num">
              Batches (avg / max size)
            </th>
            <th scope="col" class="num">
              Queue wait p50 / p99 ms
            </th>
          </tr>
        </thead>
        <tbody>
          {venues.map((v) => (
            <tr key={v.venue}>
              <th scope="row">{v.venue}</th>
              <td class="num">{fmtNum(v.requests)}</td>
              <td class="num">{fmtNum(v.upstreamCalls)}</td>
              <td class="num">{fmtNum(v.callsSavedPct, 1)} %</td>
              <td class="num">
                {fmtNum(v.batches.count)} ({fmtNum(v.batches.avgSize)} / {fmtNum(v.batches.maxSize)})
              </td>
              <td class="num">
                {fmtNum(v.queueWaitMs.p50)} / {fmtNum(v.queueWaitMs.p99)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const OBSERVABILITY = [
  ['Database: slow queries and plans', '/performance/database'],
  ['System: routes, event loop, memory', '/performance/system'],
  ['Indexes', '/performance/indexes'],
  ['Monitor (last 24 h)', '/performance/monitor'],
  ['Alerts', '/performance/alerts'],
] as const;

function Observability({ title, path }: { title: string; path: string }) {
  const ep = useEndpoint<unknown>(path, REFRESH_MS);
  return (
    <Panel title={title} ep={ep}>
      {(d) => <JsonView value={d} />}
    </Panel>
  );
}

function JobQueue() {
  const queued = useEndpoint<{ items: Job[] }>('/jobs?status=queued&limit=100', REFRESH_MS);
  const running = useEndpoint<{ items: Job[] }>('/jobs?status=running&limit=100', REFRESH_MS);
  return (
    <Panel title="Job queue" ep={queued}>
      {(q) => (
        <dl class="kv">
          <div>
            <dt>Queued</dt>
            <dd>{q.items.length >= 100 ? '100+' : q.items.length}</dd>
          </div>
          <div>
            <dt>Running</dt>
            <dd>{running.data ? running.data.items.length : '—'}</dd>
          </div>
        </dl>
      )}
    </Panel>
  );
}

export function PerformancePage() {
  const cache = useEndpoint<CacheReport>('/performance/cache', REFRESH_MS);
  const md = useEndpoint<MarketDataReport>('/performance/marketdata', REFRESH_MS);
  const streams = useEndpoint<StreamsReport>('/performance/streams', REFRESH_MS);
  return (
    <div class="panels">
      <Panel title="Cache hit rate per kind" ep={cache}>
        {(d) => <CacheTable kinds={d.kinds} />}
      </Panel>
      <Panel title="Market data: upstream calls saved, batch sizes" ep={md}>
        {(d) => <VenueTable venues={d.venues} />}
      </Panel>
      <Panel title="Streams" ep={streams}>
        {(d) => <JsonView value={d} />}
      </Panel>
      <JobQueue />
      {OBSERVABILITY.map(([title, path]) => (
        <Observability key={path} title={title} path={path} />
      ))}
    </div>
  );
}
