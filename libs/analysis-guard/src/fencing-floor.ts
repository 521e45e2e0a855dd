// Fencing numbers must keep increasing even when the counter behind them is lost (Redis restarted
// without persistence, the process restarted with an in-process table): a number lower than one
// already stored would have every later result refused. So each new number is
// max(counter + 1, wall-clock microseconds): a restarted counter resumes above everything issued
// before it, as long as the clock does not go back.

export function nextFencing(previous: number, nowMicros: number): number {
  return Math.max(previous + 1, Math.floor(nowMicros));
}

export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}
