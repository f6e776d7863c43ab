/**
 * A reporter that passes each distinct message on at most once per `ms`, so
 * a source failing on every read logs once every few seconds, not thousands
 * of times (the failures are still counted where they happen).
 */
export function onceEveryPerMessage<C>(
  ms: number,
  report: (err: unknown, context: C) => void,
  now: () => number = Date.now,
): (err: unknown, context: C) => void {
  const last = new Map<string, number>();
  return (err, context) => {
    const key = err instanceof Error ? err.message : String(err);
    const t = now();
    if ((last.get(key) ?? -Infinity) + ms > t) return;
    if (last.size > 1_000) last.clear();
    last.set(key, t);
    report(err, context);
  };
}
