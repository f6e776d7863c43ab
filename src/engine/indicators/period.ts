/** Checks an indicator period: a programming error (RangeError), not user input. */
export function checkPeriod(name: string, period: number): number {
  if (!Number.isInteger(period) || period < 1)
    throw new RangeError(`${name} period must be an integer >= 1, got ${period}`);
  return period;
}
