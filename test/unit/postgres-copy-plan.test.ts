/** How db:copy turns SQLite values into PostgreSQL ones, and in which order it copies tables. */
import { describe, expect, it } from "vitest";
import { converterFor, dependencyOrder, ValueConversionError } from "../../src/store/postgres-copy-plan.ts";

const timestamp = converterFor("timestamp without time zone");

describe("converterFor", () => {
  it("reads every way SQLite may hold a Prisma DateTime as the same UTC instant", () => {
    const utc = "2026-11-26T02:00:00.000Z";
    expect(timestamp("2026-11-26T02:00:00.000+00:00")).toBe(utc); // Prisma's adapter, toDbDate
    expect(timestamp("2026-11-26T10:00:00+08:00")).toBe(utc);
    expect(timestamp(Date.parse(utc))).toBe(utc); // the adapter's "unixepoch-ms" format
    expect(timestamp(BigInt(Date.parse(utc)))).toBe(utc);
    expect(timestamp("2026-11-26 02:00:00")).toBe(utc); // SQLite's datetime(): UTC without a zone
    expect(timestamp(null)).toBeNull();
    expect(() => timestamp("tomorrow")).toThrow(ValueConversionError);
  });

  it("takes 0/1 as booleans and refuses anything else", () => {
    const bool = converterFor("boolean");
    expect([bool(0), bool(1), bool(1n), bool(null)]).toEqual([false, true, true, null]);
    expect(() => bool(2)).toThrow(/不是布尔值/);
  });

  it("refuses text PostgreSQL cannot store, and numbers that are not of the column's kind", () => {
    expect(converterFor("text")("路长")).toBe("路长");
    expect(() => converterFor("text")("a\u0000b")).toThrow(/NUL/);
    expect(converterFor("integer")(7)).toBe(7);
    expect(() => converterFor("integer")(1.5)).toThrow(/不是整数/);
    expect(converterFor("double precision")(34.7)).toBe(34.7);
  });
});

describe("dependencyOrder", () => {
  it("puts each table after the tables it references", () => {
    const order = dependencyOrder(
      ["CaseMedia", "CaseEvent", "Media", "Case", "Road", "Crossing"],
      [
        ["CaseMedia", "Case"],
        ["CaseMedia", "Media"],
        ["CaseEvent", "Case"],
        ["Crossing", "Road"],
        ["Case", "Case"],
      ],
    );
    expect(order).toEqual(["Case", "Media", "Road", "CaseEvent", "CaseMedia", "Crossing"]);
  });

  it("refuses a cycle", () => {
    expect(() =>
      dependencyOrder(
        ["A", "B"],
        [
          ["A", "B"],
          ["B", "A"],
        ],
      ),
    ).toThrow(/cycle/);
  });
});
