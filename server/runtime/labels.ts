// Labels on every container, network and volume a lab creates, so an operator can find and clean
// them with the engine's own tools (`docker ps --filter label=maillab.lab=<id>`).
import { randomBytes } from 'node:crypto';

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

/**
 * A student host's container name. The engine's DNS answers for container names on a lab network
 * (measured on Docker 20.10: `maillab-<lab>-server` and `maillab-<lab>-server.maillab-<lab>`), so the
 * grader's is not built from its role: see graderContainerName.
 */
export function containerName(labId: string, host: string): string {
  return `maillab-${labId}-${host}`;
}

/**
 * The grader's container name: random per lab, so no name a student can guess resolves to it. The
 * runtime finds the grader by its labels instead.
 */
export function graderContainerName(labId: string): string {
  return `maillab-${labId}-${randomBytes(6).toString('hex')}`;
}

/**
 * Lab hosts live in example.com, as in the notes; the server is also mail.example.com. The grader's
 * names are known to the grader alone: no student host's /etc/hosts, DNS alias or name server
 * answers for them (see lab-network.ts).
 */
export function hostNames(host: string): { fqdn: string; aliases: string[] } {
  const fqdn = `${host}.example.com`;
  const aliases = host === 'server' ? [fqdn, 'mail.example.com', host] : [fqdn, host];
  return { fqdn, aliases };
}
