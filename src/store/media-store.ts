/** Photos stored as files under the data folder, addressed by their sha256 (content hash). */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileTypeFromBuffer } from "file-type";

/** Image types the bot accepts, by detected (not declared) type. */
const ACCEPTED = new Map([
  ["image/jpeg", "jpg"],
  ["image/png", "png"],
  ["image/gif", "gif"],
  ["image/webp", "webp"],
]);

/** 20 MB: larger than any phone photo a chat platform forwards. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export type SavedMedia =
  | { ok: true; hash: string; mime: string; size: number; path: string }
  | { ok: false; reason: string };

export class MediaStore {
  constructor(private readonly root: string) {}

  /** Checks the bytes are an image and writes them once under their hash. Idempotent. */
  async save(data: Uint8Array): Promise<SavedMedia> {
    if (data.byteLength === 0) return { ok: false, reason: "empty" };
    if (data.byteLength > MAX_IMAGE_BYTES) return { ok: false, reason: "too large" };
    const type = await fileTypeFromBuffer(data);
    const ext = type ? ACCEPTED.get(type.mime) : undefined;
    if (!type || !ext) return { ok: false, reason: `not an image (${type?.mime ?? "unknown"})` };
    const hash = createHash("sha256").update(data).digest("hex");
    const rel = join(hash.slice(0, 2), `${hash}.${ext}`);
    const path = join(this.root, rel);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(dirname(path), { recursive: true });
      // Write then rename so a crash never leaves a half-written file under the final name.
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, path);
    }
    return { ok: true, hash, mime: type.mime, size: data.byteLength, path: rel };
  }

  async read(relPath: string): Promise<Buffer> {
    return readFile(join(this.root, relPath));
  }
}
