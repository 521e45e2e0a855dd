// A commander argument parser for numeric flags with a lower bound.
import { InvalidArgumentError } from "commander";

export const numberOption = (flag: string, min = 0) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${flag} must be a number >= ${min}, got "${raw}"`);
  return n;
};
