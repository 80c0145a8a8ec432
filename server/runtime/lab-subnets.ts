// Which IPv4 subnet a new lab network gets on Docker. Left to itself, Docker takes a whole /16 (or a
// /20) from its default pools for every network and runs out after about 31 of them (measured: the
// 32nd lab of a 40-lab run failed with "could not find an available, non-overlapping IPv4 address
// pool"). A lab has four hosts, so maillab gives each network a /28 of its own pool instead: 4096 labs
// in the default 10.213.0.0/16. Lab networks are internal and the host has no address on them
// (inhibit_ipv4), so the kernel gets no route for them and the pool cannot shadow the host's own LAN.

/** MAILLAB_LAB_SUBNETS when unset. */
export const DEFAULT_LAB_SUBNETS = '10.213.0.0/16';

/** Each lab network's size: 16 addresses, 14 usable, for at most four hosts and the reserved gateway. */
export const LAB_PREFIX = 28;

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address =
    ((octets[0] as number) * 2 ** 24 +
      (octets[1] as number) * 2 ** 16 +
      (octets[2] as number) * 2 ** 8 +
      (octets[3] as number)) >>>
    0;
  const size = 2 ** (32 - prefix);
  return { base: address - (address % size), prefix };
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function formatCidr({ base, prefix }: Cidr): string {
  return `${formatAddress(base)}/${prefix}`;
}

function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/**
 * A /28 of `pool` that overlaps none of `taken` (every engine network's subnets), starting the search
 * at a random place so that two maillab processes making labs at once rarely pick the same one; the
 * engine refuses an overlap either way, and the caller then tries again. Undefined when the pool is full.
 */
export function freeLabSubnet(
  pool: Cidr,
  taken: Cidr[],
  random: () => number = Math.random,
): Cidr | undefined {
  const count = 2 ** (LAB_PREFIX - Math.min(pool.prefix, LAB_PREFIX));
  const inPool = taken.filter((t) => overlaps(t, pool));
  const start = Math.floor(random() * count);
  for (let i = 0; i < count; i++) {
    const candidate = {
      base: pool.base + ((start + i) % count) * 2 ** (32 - LAB_PREFIX),
      prefix: LAB_PREFIX,
    };
    if (!inPool.some((t) => overlaps(t, candidate))) return candidate;
  }
  return undefined;
}

/** A pool setting's error, or undefined when it is a usable IPv4 range (a /8 to a /28). */
export function poolProblem(text: string): string | undefined {
  const cidr = parseCidr(text);
  if (!cidr) return `"${text}" is not an IPv4 range such as 10.213.0.0/16`;
  if (cidr.prefix < 8 || cidr.prefix > LAB_PREFIX)
    return `"${text}" must be between a /8 and a /${LAB_PREFIX} (each lab takes a /${LAB_PREFIX})`;
  return undefined;
}
