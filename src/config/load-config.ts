/**
 * Reads the environment once at start-up, validates every variable against
 * `settings`, and returns a frozen Config. All problems are reported together,
 * each naming the variable and the form it expects.
 */
import path from 'node:path';
import { ConfigError } from '../domain/errors.js';
import { type Config, type SettingName, settings } from './schema.js';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: { path: string; message: string }[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings) as [SettingName, (typeof settings)[SettingName]][]) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') {
      out[name] = s.default;
      continue;
    }
    const value = s.parse(raw.trim());
    if (value === undefined) {
      const got = s.secret ? `a value of ${raw.length} characters` : JSON.stringify(raw);
      problems.push({ path: s.env, message: `${s.env} must be ${s.form}, got ${got}` });
    } else {
      out[name] = value;
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.map((p) => p.message).join('; ')}`, {
      details: problems,
    });
  }
  Object.assign(out, overrides);
  if (!out['databaseUrl'])
    out['databaseUrl'] = `sqlite:${path.join(out['dataDir'] as string, 'tradeloop.db')}`;
  return Object.freeze(out) as Config;
}
