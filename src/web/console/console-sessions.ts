/**
 * Console sessions in the ConsoleSession table. The cookie holds a random 256-bit token; the table
 * keeps its sha256 as the id. A session slides forward with use and ends after `idleHours` idle.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../core/types.ts";
import { type Sql, toDbDate } from "../../store/sql.ts";

/** The signed-in user of a request. */
export interface ConsoleUser {
  /** Session id (sha256 of the cookie token); binds CSRF tokens to the session. */
  sessionId: string;
  personId: string;
  name: string;
}

/** Writing lastSeenAt on every request would make every page view a write: once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;
/** However active, a session ends a week after sign-in. */
const MAX_SESSION_MS = 7 * 24 * 3_600_000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

interface SessionRow {
  id: string;
  personId: string;
  personName: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export class ConsoleSessions {
  constructor(
    private readonly deps: {
      sql: Sql;
      /** Writes go through the app's transaction gate: the connection is shared with the inbox. */
      transaction: <T>(work: () => Promise<T>) => Promise<T>;
      clock: Clock;
      idleHours: number;
    },
  ) {}

  private get idleMs(): number {
    return this.deps.idleHours * 3_600_000;
  }

  /** Starts a session for a person; returns the cookie token. Expired sessions are swept here. */
  async create(person: { id: string; name: string }): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const now = this.deps.clock.now();
    await this.deps.transaction(async () => {
      this.deps.sql.run('DELETE FROM "ConsoleSession" WHERE expiresAt <= ?', toDbDate(now));
      this.deps.sql.run(
        'INSERT INTO "ConsoleSession" (id, personId, personName, createdAt, lastSeenAt, expiresAt) VALUES (?,?,?,?,?,?)',
        hashToken(token),
        person.id,
        person.name,
        toDbDate(now),
        toDbDate(now),
        toDbDate(new Date(now.getTime() + this.idleMs)),
      );
    });
    return token;
  }

  /** The user of a cookie token, or null when unknown or expired; extends an active session. */
  async lookup(token: string): Promise<ConsoleUser | null> {
    const id = hashToken(token);
    const row = this.deps.sql.get<SessionRow>('SELECT * FROM "ConsoleSession" WHERE id = ?', id);
    if (!row) return null;
    const now = this.deps.clock.now().getTime();
    if (new Date(row.expiresAt).getTime() <= now) return null;
    if (now - new Date(row.lastSeenAt).getTime() >= TOUCH_EVERY_MS) {
      const expires = Math.min(now + this.idleMs, new Date(row.createdAt).getTime() + MAX_SESSION_MS);
      await this.deps.transaction(async () => {
        this.deps.sql.run(
          'UPDATE "ConsoleSession" SET lastSeenAt = ?, expiresAt = ? WHERE id = ?',
          toDbDate(new Date(now)),
          toDbDate(new Date(expires)),
          id,
        );
      });
    }
    return { sessionId: id, personId: row.personId, name: row.personName };
  }

  /** Ends every session of a person (their roles changed, or they lost the right to sign in). */
  async destroyPerson(personId: string): Promise<void> {
    await this.deps.transaction(async () => {
      this.deps.sql.run('DELETE FROM "ConsoleSession" WHERE personId = ?', personId);
    });
  }

  /** Ends a session. */
  async destroy(token: string): Promise<void> {
    await this.deps.transaction(async () => {
      this.deps.sql.run('DELETE FROM "ConsoleSession" WHERE id = ?', hashToken(token));
    });
  }
}
