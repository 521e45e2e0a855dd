import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { main } from "./main.js";

const run = async (...args: string[]) => {
  const out: string[] = [];
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true));
  try {
    const code = await main(["node", "reviewlens", ...args], (s) => out.push(s));
    return { code, out: out.join("\n"), err: errors.join("") };
  } finally {
    process.stderr.write = write;
  }
};

describe("reviewlens CLI", () => {
  it("rejects an unknown analysis with the allowed choices", async () => {
    const r = await run("analyze", "vibes", "r1");
    assert.notEqual(r.code, 0);
    assert.match(r.err, /sentiment, summary, strengths/);
  });

  it("rejects a non-numeric --top-k", async () => {
    const r = await run("search", "국물", "--top-k", "many");
    assert.notEqual(r.code, 0);
    assert.match(r.err, /--top-k must be a positive integer/);
  });

  it("rejects a --min-score that is not a cosine similarity, before any call", async () => {
    for (const value of ["1.5", "-2", "high", ""]) {
      const r = await run("--vector-search", "127.0.0.1:1", "search", "국물", "--min-score", value);
      assert.notEqual(r.code, 0);
      assert.match(r.err, /--min-score must be a cosine similarity from -1 to 1/);
      assert.doesNotMatch(r.err, /UNAVAILABLE/);
    }
  });

  it("says which service is unreachable and how to start it", async () => {
    const r = await run("--gateway", "127.0.0.1:1", "--timeout", "3000", "status");
    assert.equal(r.code, 1);
    assert.match(r.err, /UNAVAILABLE/);
    assert.match(r.err, /make up/);
  });

  it("refuses a malformed REVIEWLENS_* variable with exit code 2, naming it, before any call", async () => {
    process.env["REVIEWLENS_TIMEOUT_MS"] = "soon";
    try {
      const r = await run("status");
      assert.equal(r.code, 2);
      assert.match(r.err, /REVIEWLENS_TIMEOUT_MS="soon" is invalid: expected an integer/);
      assert.doesNotMatch(r.err, /UNAVAILABLE/);
    } finally {
      delete process.env["REVIEWLENS_TIMEOUT_MS"];
    }
  });
});
