// Guards against DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 would
// be same-origin with itself, so Origin checks alone pass. Only answer to Host names we serve under.

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * A Host header is a name or an address and an optional port, nothing else. Parsing it as a URL
 * would let "127.0.0.1#@evil.test" or "127.0.0.1/x@evil.test" count as 127.0.0.1, so the header
 * must match this whole pattern first: a DNS name or IPv4 address, or an IPv6 address in brackets.
 */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,252}))(?::(\d{1,5}))?$/i;

export function hostNameOf(hostHeader: string | undefined): string | undefined {
  const match = HOST_HEADER.exec(hostHeader ?? '');
  if (!match?.[1]) return undefined;
  if (match[2] !== undefined && Number(match[2]) > 65535) return undefined;
  return match[1].toLowerCase();
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
