/**
 * A FIFO lock for the single SQLite writer connection. Free-lock acquisition
 * is synchronous-fast (one resolved promise); waiters are served in order.
 */
export class WriteLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  get isHeld(): boolean {
    return this.held;
  }

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
