/**
 * Bounds an .xlsx (a zip) before anything parses it: a 5 MB zip bomb can unpack to gigabytes of sheet
 * XML. The central directory's declared sizes are checked first (entry count, total and per-entry
 * size, compression ratio), then every entry is inflated once into nothing, to check that the data
 * really is no larger than declared (yauzl's validateEntrySizes stops at the first byte past it).
 * yauzl reads the central directory lazily and never buffers an entry, which is what this needs.
 */
import yauzl from "yauzl";

export interface ZipLimits {
  /** Entries in the archive (a roster workbook has about ten). */
  maxEntries: number;
  /** Bytes once unpacked, all entries together. */
  maxUnzippedBytes: number;
  /** Unpacked / packed size of one entry; only checked for entries above RATIO_MIN_BYTES. */
  maxRatio: number;
}

/** Entries smaller than this may have any ratio: a 100 KB run of empty cells is harmless. */
const RATIO_MIN_BYTES = 1024 * 1024;

export type ZipVerdict = { ok: true } | { ok: false; message: string };

const DAMAGED = "不是有效的 .xlsx 文件（无法按 zip 格式读取），请在 Excel 中重新保存为 .xlsx";

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Checks the zip at `file` against `limits`; a refusal says why, in Chinese. */
export async function checkZipLimits(file: string, limits: ZipLimits): Promise<ZipVerdict> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
        err || !z ? reject(err ?? new Error("no zip")) : resolve(z),
      ),
    );
  } catch {
    return { ok: false, message: DAMAGED };
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      return {
        ok: false,
        message: `.xlsx 内含 ${zip.entryCount} 个部件，超过上限 ${limits.maxEntries}（ROSTER_MAX_ZIP_ENTRIES）`,
      };
    let declared = 0;
    for await (const entry of entries(zip)) {
      declared += entry.uncompressedSize;
      if (declared > limits.maxUnzippedBytes)
        return {
          ok: false,
          message: `.xlsx 解压后超过 ${mb(limits.maxUnzippedBytes)}（ROSTER_MAX_UNZIPPED_MB），未读取。名册表格通常不到 5 MB，请检查文件`,
        };
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > RATIO_MIN_BYTES && ratio > limits.maxRatio)
        return {
          ok: false,
          message: `.xlsx 中的“${entry.fileName.slice(0, 80)}”压缩比 ${Math.round(ratio)} 倍，超过上限 ${limits.maxRatio}（ROSTER_MAX_ZIP_RATIO），疑似压缩炸弹，未读取`,
        };
      if (!(await inflatesAsDeclared(zip, entry)))
        return {
          ok: false,
          message: `.xlsx 中的“${entry.fileName.slice(0, 80)}”实际内容与声明的大小不符（文件损坏或被篡改），未读取`,
        };
    }
    return { ok: true };
  } catch {
    return { ok: false, message: DAMAGED };
  } finally {
    zip.close();
  }
}

/** The entries one at a time (lazyEntries: the next is read only when asked for). */
async function* entries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const next = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => done(() => resolve(e));
      const onEnd = () => done(() => resolve(null));
      const onError = (err: Error) => done(() => reject(err));
      const done = (f: () => void) => {
        zip.off("entry", onEntry).off("end", onEnd).off("error", onError);
        f();
      };
      zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
      zip.readEntry();
    });
    if (!next) return;
    yield next;
  }
}

/** Inflates one entry, dropping the bytes; false when it holds more (or other) data than declared. */
async function inflatesAsDeclared(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<boolean> {
  if (entry.fileName.endsWith("/")) return true;
  return new Promise<boolean>((resolve) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return resolve(false);
      stream.on("data", () => {});
      stream.on("end", () => resolve(true));
      stream.on("error", () => resolve(false));
    });
  });
}
