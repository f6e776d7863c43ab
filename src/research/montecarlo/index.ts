/** Monte Carlo over trade returns: request parsing, chunked runs, merging. */
export {
  chunkRanges,
  type MonteCarloChunk,
  type MonteCarloResult,
  type MonteCarloRunOptions,
  mergeMonteCarloChunks,
  type Percentiles,
  runMonteCarlo,
  runMonteCarloChunk,
} from './monte-carlo.js';
export {
  MAX_PATHS,
  MAX_STEPS,
  MAX_TRADES,
  type MonteCarloMethod,
  type MonteCarloRequest,
  parseMonteCarloRequest,
} from './request.js';
