/**
 * At most `limit` tasks at a time; the rest wait in arrival order.
 *
 * @example
 * const s = new Semaphore(4);
 * const answers = await Promise.all(prompts.map((p) => s.run(() => ask(p))));
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
