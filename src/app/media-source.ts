/** Stored photos and charts by content hash, as the chat bots read them to send. */
import type { MediaStore } from "../store/media-store.ts";
import type { Sql } from "../store/sql.ts";

export interface StoredMediaSource {
  read(hash: string): Promise<{ data: Uint8Array; mime: string } | null>;
}

/** Reads a stored photo or chart by hash; null when it is not in the store. */
export function mediaSource(sql: Sql, media: MediaStore): StoredMediaSource {
  return {
    async read(hash: string) {
      const row = sql.get<{ path: string; mime: string }>(
        'SELECT path, mime FROM "Media" WHERE hash = ?',
        hash,
      );
      if (!row) return null;
      return { data: new Uint8Array(await media.read(row.path)), mime: row.mime };
    },
  };
}
