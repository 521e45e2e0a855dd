// A connection URL as logs, errors and status pages may show it: the password masked.

export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString().replace(/\/$/, "");
}
