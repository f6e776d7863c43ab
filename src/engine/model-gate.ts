/**
 * Where the decider model meets the engine: a Strategy wrapped around the
 * rules strategy of one symbol. The rules strategy always sees every bar (so
 * its indicators stay warm and it can take over at any bar); on a bar the
 * model answered for, the model's intent replaces it (`ai`) or may only veto
 * or shrink its entry (`both`: exits are never vetoed, a hold never becomes
 * an entry). An entry whose stop, target or size breaks a rule is rejected
 * and not traded. The engine's RiskManager then checks whatever is left, as
 * for any strategy: risk always runs after the model. The same gate runs in
 * the pipeline (this run's verdicts) and in a backtest replaying recorded
 * answers (`replayed-verdicts.ts`).
 */
import type { Bars } from './bars.js';
import { Action, type Intent, resetIntent } from './intent.js';
import type { PositionView, Strategy } from './strategy.js';

/** A decider model's intent for one bar (the pipeline's schema-checked answer). */
export interface ModelIntent {
  action: 'enter' | 'exit' | 'hold';
  /** Share of what risk allows, 0 to 1. */
  size: number;
  stop: number | null;
  target: number | null;
  confidence: number;
  rationale: string;
}

export type Verdict = { kind: 'model'; answer: ModelIntent } | { kind: 'fallback'; reason: string };

/** Where the gate finds the verdict for a symbol's bar: this run's board live, recorded answers in a backtest. */
export interface VerdictSource {
  get(symbol: string, barTs: number): GateEntry | undefined;
}

export interface GateEntry {
  barTs: number;
  verdict: Verdict;
  /** What the gate did with the model's answer (veto, shrink, rejection), for the decision row. */
  note: string | null;
}

/** The decider's verdicts of one run, one per symbol, for the bar it was asked about. */
export class VerdictBoard implements VerdictSource {
  private readonly bySymbol = new Map<string, GateEntry>();

  set(symbol: string, barTs: number, verdict: Verdict): void {
    this.bySymbol.set(symbol, { barTs, verdict, note: null });
  }

  get(symbol: string, barTs: number): GateEntry | undefined {
    const e = this.bySymbol.get(symbol);
    return e && e.barTs === barTs ? e : undefined;
  }

  clear(): void {
    this.bySymbol.clear();
  }
}

/** An entry the gate refused: reported as a skipped decision with `blockedBy`. */
export interface GateRefusal {
  symbol: string;
  bar: number;
  price: number;
  barTs: number;
  reason: string;
  blockedBy: string;
}

/** Why a model's entry cannot be traded at `price`, or null. */
export function brokenRule(a: ModelIntent, price: number): string | null {
  if (!(a.size > 0)) return 'size 0: nothing to enter';
  if (a.stop !== null && !(a.stop > 0 && a.stop < price))
    return `stop ${a.stop} is not between 0 and the price ${price}`;
  if (a.target !== null && !(a.target > price)) return `target ${a.target} is not above the price ${price}`;
  return null;
}

const said = (a: ModelIntent) => `model: ${a.rationale.slice(0, 200)}`;

export class ModelGatedStrategy implements Strategy {
  constructor(
    private readonly inner: Strategy,
    private readonly symbol: string,
    private readonly board: VerdictSource,
    private readonly mode: 'ai' | 'both',
    private readonly refuse: (r: GateRefusal) => void,
  ) {}

  get warmup(): number {
    return this.inner.warmup;
  }

  /** The inner strategy's scan, with every bar marked: the model may act on any. */
  scan(bars: Bars, from: number, to: number, marked: Int32Array): number {
    this.inner.scan?.(bars, from, to, marked);
    for (let i = from; i < to; i++) marked[i - from] = i;
    return to - from;
  }

  onBar(bars: Bars, i: number, position: PositionView, intent: Intent): void {
    this.inner.onBar(bars, i, position, intent);
    const entry = this.board.get(this.symbol, bars.ts[i]!);
    if (entry?.verdict.kind !== 'model') return;
    if (this.mode === 'both') this.gate(entry, entry.verdict.answer, bars, i, intent);
    else this.replace(entry, entry.verdict.answer, bars, i, intent);
  }

  /** `both`: the rules' entry may be vetoed or shrunk; exits and holds stay as they are. */
  private gate(entry: GateEntry, a: ModelIntent, bars: Bars, i: number, intent: Intent): void {
    if (intent.action !== Action.EnterLong) return;
    const broken = a.action === 'enter' ? brokenRule(a, bars.close[i]!) : null;
    if (a.action !== 'enter') this.block(entry, intent, bars, i, `vetoed by model (${a.action})`);
    else if (broken) this.block(entry, intent, bars, i, `model answer rejected: ${broken}`);
    else if (a.size < 1) {
      intent.size = a.size;
      entry.note = `model shrank the entry to ${a.size} of the size risk allows`;
    }
  }

  /** `ai`: the model's intent replaces the rules'. */
  private replace(entry: GateEntry, a: ModelIntent, bars: Bars, i: number, intent: Intent): void {
    const broken = a.action === 'enter' ? brokenRule(a, bars.close[i]!) : null;
    if (broken) {
      this.block(entry, intent, bars, i, `model answer rejected: ${broken}`);
      return;
    }
    resetIntent(intent);
    intent.reason = said(a);
    if (a.action === 'exit') intent.action = Action.Exit;
    if (a.action !== 'enter') return;
    intent.action = Action.EnterLong;
    intent.size = a.size;
    if (a.stop !== null) intent.stopLoss = a.stop;
    if (a.target !== null) intent.takeProfit = a.target;
  }

  private block(entry: GateEntry, intent: Intent, bars: Bars, i: number, why: string): void {
    entry.note = why;
    const reason =
      intent.action === Action.EnterLong && this.mode === 'both' ? intent.reason : 'model: enter';
    resetIntent(intent);
    this.refuse({
      symbol: this.symbol,
      bar: i,
      price: bars.close[i]!,
      barTs: bars.ts[i]!,
      reason,
      blockedBy: why,
    });
  }
}
