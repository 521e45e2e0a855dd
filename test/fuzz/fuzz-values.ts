// Value generators shared by the RPC specs: valid values, and the boundary values the issue names
// (empty, huge, negative, NaN, far-future dates, 1 MB strings, unknown enum values).
import fc from "fast-check";

export const MB = 1024 * 1024;

/** A string of `bytes` UTF-8 bytes (Hangul: three bytes a character). */
export const hugeString = (bytes: number, char = "맛"): string => char.repeat(Math.ceil(bytes / Buffer.byteLength(char)));

const tricky = ["", " ", "\t\n", "\u0000", "\uFFFF", "\uD800", "🍜🍜", "'; DROP TABLE reviews; --", "../../etc/passwd", "%s%n%x", "${jndi:x}", "<review>", "null", "0", "-1"];

/** Any string, weighted towards the tricky and the long; 1 MB strings only when `huge` is set. */
export const anyString = (huge = false): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 3, arbitrary: fc.constantFrom(...tricky) },
    { weight: 1, arbitrary: fc.constantFrom(hugeString(5_001, "a"), hugeString(70_000, "가")) },
    ...(huge ? [{ weight: 1, arbitrary: fc.constant(hugeString(MB)) }] : []),
  );

/** uint32 values: the edges of every limit the services set, and anything else. */
export const anyUint32 = fc.oneof(fc.constantFrom(0, 1, 2, 5, 6, 10, 20, 100, 101, 200, 201, 1_000, 1_001, 2_048, 32_768, 32_769, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1), fc.nat());

/** doubles: NaN, the infinities, negatives, zero, tiny and huge. */
export const anyDouble = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, -1, 0, 1e-300, 0.15, 0.5, 1, 1.5, 2, 2.5, 1e308), fc.double());

/** floats as a proto `float` field carries them (32-bit): NaN, the infinities, the largest and smallest. */
export const anyFloat32 = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, Math.fround(3.4e38), Math.fround(-3.4e38), Math.fround(1e-45)), fc.float());

/** Enum numbers: the defined ones and unknown ones (negative too). */
export const anyEnum = (defined: number[]): fc.Arbitrary<number> => fc.oneof(fc.constantFrom(...defined), fc.integer({ min: -3, max: 1_000 }));

export const validDate = fc.date({ min: new Date("2015-01-01T00:00:00Z"), max: new Date("2026-10-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());

/** Dates a client might send: valid, far-future, out-of-range fields, other formats. */
export const anyDate = fc.oneof(
  validDate,
  fc.constantFrom(
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-05-01T25:61:61Z",
    "2024-05-01",
    "2024-05-01T00:00:00",
    "2024-05-01T00:00:00+14:00",
    "2024-05-01T00:00:00.123456789Z",
    "1970-01-01T00:00:00Z",
    "now",
    "",
  ),
  anyString(),
);

export const restaurantIdChars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_.:-");
/** A well-formed restaurant ID (letters, digits, _ . : -, at most 128) that may or may not exist. */
export const wellFormedId = fc.string({ unit: restaurantIdChars, minLength: 1, maxLength: 20 });

export const reviewText = fc.constantFrom("맛있어요, 또 올게요", "국물이 진하고 면이 쫄깃해요", "서비스가 느렸어요", "가격 대비 양이 많아요", "The staff were kind and the food was hot.");
