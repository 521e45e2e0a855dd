// API keys compared in constant time: both sides are hashed to fixed-length digests first, so the
// comparison's timing reveals neither how much of a guess was right nor the expected key's length.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (key: string): Buffer => createHash("sha256").update(key, "utf8").digest();

/** Whether a presented key (undefined: none was) lets the call in. */
export type ApiKeyCheck = (presented: string | undefined) => boolean;

/**
 * A checker for one expected key: true when the presented key is exactly it, false for an absent
 * one. It keeps only the key's digest.
 */
export function apiKeyChecker(expected: string): ApiKeyCheck {
  const expectedDigest = digest(expected);
  return (presented) => {
    // Hashed and compared even when nothing was presented: every answer takes the same path.
    const same = timingSafeEqual(digest(presented ?? ""), expectedDigest);
    return presented !== undefined && same;
  };
}

/** The key of an `authorization` value of the form `Bearer <key>` (scheme case-insensitive). */
export function bearerKey(authorization: string | undefined): string | undefined {
  return /^bearer +(\S+)\s*$/i.exec(authorization ?? "")?.[1];
}
