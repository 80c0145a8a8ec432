// Labels on every container, network and volume a lab creates, so an operator can find and clean
// them with the engine's own tools (`docker ps --filter label=maillab.lab=<id>`).

export const LABEL = {
  lab: 'maillab.lab',
  lesson: 'maillab.lesson',
  host: 'maillab.host',
  owner: 'maillab.owner',
  token: 'maillab.token',
  created: 'maillab.created',
  image: 'maillab.image',
  /** cgroup v1 Docker: the host's own parent cgroup (systemd-flags.ts), removed with the lab. */
  cgroupSlot: 'maillab.cgroup-slot',
} as const;

export function networkName(labId: string): string {
  return `maillab-${labId}`;
}

export function containerName(labId: string, host: string): string {
  return `maillab-${labId}-${host}`;
}

/** Lab hosts live in example.com, as in the notes; the server is also mail.example.com. */
export function hostNames(host: string): { fqdn: string; aliases: string[] } {
  const fqdn = `${host}.example.com`;
  const aliases = host === 'server' ? [fqdn, 'mail.example.com', host] : [fqdn, host];
  return { fqdn, aliases };
}
