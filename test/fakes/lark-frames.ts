/**
 * The long connection's protobuf frame (pbbp2.Frame in the SDK's ws-client), encoded and decoded by
 * hand so the fake needs no protobuf library: SeqID=1 uint64, LogID=2 uint64, service=3 int32,
 * method=4 int32 (0 control, 1 data), headers=5 repeated Header{key=1, value=2}, payloadEncoding=6,
 * payloadType=7, payload=8 bytes, LogIDNew=9. The first four are `required`: always written.
 */

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function bytesField(field: number, data: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(data.length), ...data];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function encodeFrame(f: Frame): Uint8Array {
  const out: number[] = [];
  out.push(...varint((1 << 3) | 0), ...varint(f.SeqID));
  out.push(...varint((2 << 3) | 0), ...varint(f.LogID));
  out.push(...varint((3 << 3) | 0), ...varint(f.service));
  out.push(...varint((4 << 3) | 0), ...varint(f.method));
  for (const h of f.headers) {
    const inner = [...bytesField(1, utf8(h.key)), ...bytesField(2, utf8(h.value))];
    out.push(...bytesField(5, Uint8Array.from(inner)));
  }
  if (f.payloadEncoding !== undefined) out.push(...bytesField(6, utf8(f.payloadEncoding)));
  if (f.payloadType !== undefined) out.push(...bytesField(7, utf8(f.payloadType)));
  if (f.payload !== undefined) out.push(...bytesField(8, f.payload));
  if (f.LogIDNew !== undefined) out.push(...bytesField(9, utf8(f.LogIDNew)));
  return Uint8Array.from(out);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get done() {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error("truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
    }
    return Number(BigInt.asIntN(64, result));
  }
  bytes(): Uint8Array {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number) {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unknown wire type ${wire}`);
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function decodeFrame(buf: Uint8Array): Frame {
  const r = new Reader(buf);
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        f.SeqID = r.varint();
        break;
      case 2:
        f.LogID = r.varint();
        break;
      case 3:
        f.service = r.varint();
        break;
      case 4:
        f.method = r.varint();
        break;
      case 5: {
        const h = new Reader(r.bytes());
        const header = { key: "", value: "" };
        while (!h.done) {
          const t = h.varint();
          if (t >>> 3 === 1) header.key = text(h.bytes());
          else if (t >>> 3 === 2) header.value = text(h.bytes());
          else h.skip(t & 7);
        }
        f.headers.push(header);
        break;
      }
      case 6:
        f.payloadEncoding = text(r.bytes());
        break;
      case 7:
        f.payloadType = text(r.bytes());
        break;
      case 8:
        f.payload = Uint8Array.from(r.bytes());
        break;
      case 9:
        f.LogIDNew = text(r.bytes());
        break;
      default:
        r.skip(wire);
    }
  }
  return f;
}

export function frameHeader(f: Frame, key: string): string | undefined {
  return f.headers.find((h) => h.key === key)?.value;
}
