/** Who calls the service: a user (API token, Telegram link, WebSocket) and whether they operate it. */

export interface User {
  id: number;
  name: string;
  /** Operators: the admin-only reports and actions (database, cache invalidation, the pipeline). */
  isAdmin: boolean;
  createdAt: number;
}
