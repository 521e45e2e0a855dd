import assert from "node:assert/strict";
import { test } from "node:test";
import { LatencySensitiveArrivals } from "./latency-sensitive-arrivals.js";

function arrivals(backendOrdersClasses: boolean) {
  let now = 0;
  const a = new LatencySensitiveArrivals({ windowMs: 2_000, shortPromptTokens: 512, backendOrdersClasses }, () => now);
  return { a, advance: (ms: number) => (now += ms) };
}

test("without backend priority an interactive arrival constrains every class for the window", () => {
  const { a, advance } = arrivals(false);
  assert.equal(a.constrains("batch"), false, "nothing has arrived yet");
  a.arrived("interactive", 5_000);
  assert.equal(a.constrains("batch"), true);
  assert.equal(a.constrains("standard"), true);
  advance(1_999);
  assert.equal(a.constrains("batch"), true);
  advance(1);
  assert.equal(a.constrains("batch"), false, "the window has passed");
});

test("a short standard prompt counts, a longer one or a short batch prompt does not", () => {
  const { a } = arrivals(false);
  a.arrived("standard", 513);
  a.arrived("batch", 10);
  assert.equal(a.constrains("standard"), false);
  a.arrived("standard", 512);
  assert.equal(a.constrains("standard"), true);
  assert.equal(a.constrains("batch"), true);
});

test("with backend priority only arrivals of a request's own class constrain it", () => {
  const { a } = arrivals(true);
  a.arrived("interactive", 100);
  assert.equal(a.constrains("batch"), false, "vLLM serves the interactive request ahead of waiting batch prompts");
  assert.equal(a.constrains("standard"), false);
  a.arrived("standard", 100);
  assert.equal(a.constrains("standard"), true, "vLLM cannot order standard prompts among themselves");
  assert.equal(a.constrains("batch"), false);
});
