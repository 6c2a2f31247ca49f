/**
 * What the DingTalk bot needs from the rest of the service, as small interfaces. The app implements
 * them over its store and roster (src/app/dingtalk-setup.ts); tests may pass plain objects.
 */
import type { IngestFn } from "../../src/core/ports.ts";

/** Roster lookups by DingTalk userid (the 钉钉ID column), and back. */
export interface DingtalkPeople {
  byUserId(userId: string): { id: string; name: string } | undefined;
  /** The 钉钉ID of a roster person, or null if the roster has none. */
  userIdOf(personId: string): string | null;
}

/** Stored photos and charts, by content hash. */
export interface DingtalkMediaSource {
  read(hash: string): Promise<{ data: Uint8Array; mime: string } | null>;
}

/** Where the bot's cards were sent. */
export interface DingtalkCards {
  /** The chat id ("dingtalk:cid…") of the card the bot sent as `outTrackId`, or null if it sent none. */
  chatOfCard(outTrackId: string): Promise<string | null>;
}

/** The inbox: stores a message, then processes it once. */
export interface DingtalkInbox {
  ingest: IngestFn;
}
