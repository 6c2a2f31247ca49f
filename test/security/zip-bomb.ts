/**
 * Builds real zip bombs for the attack tests: a valid roster workbook (exceljs) whose first sheet is
 * replaced by hundreds of MB of highly compressible sheet XML, deflated as a stream so the test never
 * holds the unpacked sheet. Optionally the central directory under-declares the sizes (a "lying"
 * bomb that only inflating reveals).
 */
import { readFile, writeFile } from "node:fs/promises";
import { crc32, createDeflateRaw } from "node:zlib";
import yauzl from "yauzl";

interface ZipEntryData {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
}

/** Every entry of a zip, unpacked (small files only). */
async function readEntries(file: string): Promise<{ name: string; data: Buffer }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (e, z) => (e || !z ? reject(e) : resolve(z))),
  );
  const out: { name: string; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
          zip.readEntry();
        });
      });
    });
    zip.on("end", () => resolve());
    zip.on("error", reject);
    zip.readEntry();
  });
  return out;
}

/** Deflates `repeat` copies of `block` (plus head and tail) without ever holding them together. */
async function deflateRepeated(
  head: Buffer,
  block: Buffer,
  repeat: number,
  tail: Buffer,
): Promise<ZipEntryData> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  let crc = crc32(head);
  deflate.write(head);
  for (let i = 0; i < repeat; i++) {
    crc = crc32(block, crc);
    if (!deflate.write(block)) await new Promise((r) => deflate.once("drain", r));
  }
  crc = crc32(tail, crc);
  deflate.end(tail);
  await done;
  return { name: "", data: Buffer.concat(out), crc, size: head.length + block.length * repeat + tail.length };
}

async function deflateOne(name: string, data: Buffer): Promise<ZipEntryData> {
  const e = await deflateRepeated(data, Buffer.alloc(0), 0, Buffer.alloc(0));
  return { ...e, name };
}

/** Writes a zip of deflated entries; `declare` may lie about an entry's unpacked size. */
function zipBytes(entries: ZipEntryData[], declare: (e: ZipEntryData) => number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(declare(e), 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(declare(e), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * Rewrites the workbook `xlsx` into `out` with its first sheet grown to about `sheetMb` MB of rows.
 * With `lie`, the central directory declares the grown sheet as 1 KB. Returns the bomb's size.
 */
export async function xlsxBomb(xlsx: string, out: string, sheetMb: number, lie = false): Promise<number> {
  const entries: ZipEntryData[] = [];
  for (const e of await readEntries(xlsx)) {
    if (e.name !== "xl/worksheets/sheet1.xml") {
      entries.push(await deflateOne(e.name, e.data));
      continue;
    }
    const xml = e.data.toString("utf8");
    const at = xml.indexOf("</sheetData>");
    const row = '<row><c t="inlineStr"><is><t>商都大道人文路至新圃街段</t></is></c></row>';
    const block = Buffer.from(row.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(row))));
    const grown = await deflateRepeated(
      Buffer.from(xml.slice(0, at)),
      block,
      Math.round((sheetMb * 1024 * 1024) / block.length),
      Buffer.from(xml.slice(at)),
    );
    entries.push({ ...grown, name: e.name });
  }
  const bytes = zipBytes(entries, (e) => (lie && e.name === "xl/worksheets/sheet1.xml" ? 1024 : e.size));
  await writeFile(out, bytes);
  return bytes.length;
}

/** A multipart/form-data body with one file field, as a browser's FormData sends it. */
export async function multipartFile(file: string, fileName: string): Promise<{ body: Buffer; type: string }> {
  const boundary = `----luzhang${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
    ),
    await readFile(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}
