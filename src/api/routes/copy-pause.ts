/**
 * The kill switch of live copies: POST /copies/pause and /copies/resume for
 * the caller's own, /admin/copies/pause and /admin/copies/resume for every
 * user (admin token; 403 otherwise); GET /copies/pause says where it stands.
 */
import type { FastifyInstance } from 'fastify';
import type { CopyKillSwitch } from '../../copytrading/copy-kill-switch.js';
import { currentUser, requireAdmin } from '../auth.js';
import { Type } from '../json-schema.js';

const PauseJson = Type.Object(
  { paused: Type.Boolean(), user: Type.Boolean(), all: Type.Boolean() },
  { additionalProperties: false },
);
const schema = { response: { 200: PauseJson } };

export function copyPauseRoutes(app: FastifyInstance, s: { killSwitch: CopyKillSwitch }): void {
  app.get('/copies/pause', { schema }, (req) => s.killSwitch.state(currentUser(req).id));
  app.post('/copies/pause', { schema }, (req) => s.killSwitch.pause(currentUser(req).id));
  app.post('/copies/resume', { schema }, (req) => s.killSwitch.resume(currentUser(req).id));
  app.post('/admin/copies/pause', { schema }, (req) => s.killSwitch.pauseAll(requireAdmin(req).id));
  app.post('/admin/copies/resume', { schema }, (req) => s.killSwitch.resumeAll(requireAdmin(req).id));
}
