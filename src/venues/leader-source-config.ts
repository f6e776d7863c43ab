/**
 * A leader source described as data, so a job worker (a thread, or a BullMQ
 * worker on another machine) can build the same source the server watches:
 * the simulated leaders (same seed, count and pace, over the simulated venue
 * of the same seed), Polymarket, Solana and Hyperliquid wallets (their
 * endpoints). Imports are static: a worker thread running from sources
 * cannot load modules through dynamic import().
 */
import type { Clock } from '../domain/clock.js';
import { HyperliquidFillsSource } from './hyperliquid/hyperliquid-fills-source.js';
import type { LeaderSource, LeaderSourceId } from './leader-source.js';
import { PolymarketWalletSource } from './polymarket/data-api-source.js';
import { SimulatedLeaders } from './simulated/simulated-leaders.js';
import { SimulatedVenue } from './simulated/simulated-venue.js';
import { SolanaWalletSource } from './solana/solana-wallet-source.js';

export type LeaderSourceConfig =
  | { kind: 'simulated'; venueSeed: number; seed: number; leaderCount: number; meanIntervalMs: number }
  | { kind: 'polymarket'; origin: string }
  | { kind: 'solana'; rpcUrl: string }
  | { kind: 'hyperliquid'; origin: string };

/** The source a config describes; research reads need no rate limit of ours beyond the source's default. */
export function createLeaderSource(config: LeaderSourceConfig, clock: Clock): LeaderSource {
  switch (config.kind) {
    case 'simulated': {
      const venue = new SimulatedVenue(clock, { seed: config.venueSeed });
      return new SimulatedLeaders(clock, venue, {
        seed: config.seed,
        leaderCount: config.leaderCount,
        meanIntervalMs: config.meanIntervalMs,
      });
    }
    case 'polymarket':
      return new PolymarketWalletSource({ origin: config.origin, clock });
    case 'solana':
      return new SolanaWalletSource({ rpcUrl: config.rpcUrl, clock });
    case 'hyperliquid':
      return new HyperliquidFillsSource({ origin: config.origin, clock });
  }
}

/** The id of the source a config builds. */
export const sourceIdOf = (config: LeaderSourceConfig): LeaderSourceId => config.kind;
