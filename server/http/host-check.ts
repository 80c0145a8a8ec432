// Guards against DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 would
// be same-origin with itself, so Origin checks alone pass. Only answer to Host names we serve under.

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function hostNameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Names this server answers to: loopback, the address it binds, and any configured extra names. */
export function allowedHostNames(bindHost: string, extra: string[]): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (bindHost && bindHost !== '0.0.0.0' && bindHost !== '::') names.add(bindHost.toLowerCase());
  for (const name of extra) names.add(name.toLowerCase());
  return names;
}

export function isAllowedHost(hostHeader: string | undefined, allowed: Set<string>): boolean {
  const name = hostNameOf(hostHeader);
  return name !== undefined && allowed.has(name);
}
