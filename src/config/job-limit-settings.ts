/**
 * Settings that bound what one user's research jobs may cost: how many may
 * wait or run at once, how much work one Monte Carlo may ask for, how large
 * a stored result may be before it is compressed, and how long results are
 * kept.
 */
import { int, setting } from './setting.js';

export const jobLimitSettings = {
  jobQuotaPerUser: setting({
    env: 'JOB_QUOTA_PER_USER',
    form: 'an integer from 1 to 100000',
    default: 10,
    parse: int(1, 100_000),
    doc: 'Jobs one user may have queued or running at once (every instance counts the same jobs table); a submit beyond it answers 429 QUOTA_EXCEEDED and writes nothing.',
  }),
  monteCarloMaxSteps: setting({
    env: 'MONTECARLO_MAX_STEPS',
    form: 'an integer from 1000 to 1000000000',
    default: 200_000_000,
    parse: int(1_000, 1_000_000_000),
    doc: 'Most work one Monte Carlo job may ask for: paths x trades per path (about 1.1 s on one thread of the reference machine at the default); a larger request is a 400 naming this variable.',
  }),
  jobResultMaxBytes: setting({
    env: 'JOB_RESULT_MAX_BYTES',
    form: 'an integer from 1024 to 1073741824',
    default: 65_536,
    parse: int(1_024, 1_073_741_824),
    doc: 'A job result whose JSON is larger than this is stored gzip-compressed (read back as the same JSON).',
  }),
  jobResultTtlDays: setting({
    env: 'JOB_RESULT_TTL_DAYS',
    form: 'an integer from 0 to 36500 (0 = keep forever)',
    default: 30,
    parse: int(0, 36_500),
    doc: 'Results of jobs finished longer ago are dropped by the maintenance run (MAINTENANCE_INTERVAL_MS); the job stays listed, with a `resultNote` saying when and why its result went.',
  }),
};
