/**
 * A bound on how long a caller waits for something it does not control (a
 * venue, Redis, a database read): the outcome of `work`, or, once `ms` pass
 * first, what `late()` gives (a fallback value) or throws (the dependency's
 * 503). The timer is cleared either way, and `work` settling later is
 * handled (ignored), so nothing is left scheduled or unheard.
 */
export async function withDeadline<T, L = never>(
  work: Promise<T>,
  ms: number,
  late: () => L,
): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<L>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (err) {
        reject(err);
      }
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
