// Whether the engine can cap what one lab host writes to its disk (`--storage-opt size=`, the API's
// HostConfig.StorageOpt), and the size to ask for. Only some storage can: overlay2 over XFS mounted
// with project quotas (pquota), btrfs (quota groups) and zfs (dataset quotas). The engine's info names
// the driver and, for overlay, the filesystem under it; whether XFS has pquota it does not say, so a
// "maybe" is confirmed by the engine's own answer to a container created with the option. Measured
// with Docker 20.10 on a loop-mounted XFS without pquota: the probe is refused with "--storage-opt is
// supported only for overlay over xfs with 'pquota' mount option" and doctor says NOT capped with
// those words; on btrfs a 3 GB dd stops at 281 MiB under a 300 MB cap (test/integration/disk-cap.test.ts).
import type { DiskCap } from './runtime.ts';

export interface StorageKind {
  /** For people: "btrfs", "overlay2 on xfs", "overlay2 on extfs". */
  storage: string;
  /** yes: the driver caps whenever asked; maybe: only with a mount option the info does not show. */
  support: 'yes' | 'maybe' | 'no';
  /**
   * The cap counts the image's own data too: a btrfs container is a snapshot of its image, and its
   * quota group's "referenced" bytes include the image (305 MB for the offline image; asking for less
   * than that is refused with "Failed to limit qgroup … disk quota exceeded", measured on btrfs).
   */
  countsImage: boolean;
}

interface EngineStorageInfo {
  Driver?: string;
  DriverStatus?: [string, string][] | null;
}

/** Reads the storage driver from the engine's info (`docker info`; Podman's Docker API answers alike). */
export function storageKind(info: EngineStorageInfo): StorageKind {
  const driver = (info.Driver ?? 'unknown').toLowerCase();
  const status = new Map((info.DriverStatus ?? []).map(([k, v]) => [k.toLowerCase(), v]));
  if (driver === 'btrfs') return { storage: 'btrfs', support: 'yes', countsImage: true };
  if (driver === 'zfs') return { storage: 'zfs', support: 'yes', countsImage: false };
  if (driver === 'overlay2' || driver === 'overlay') {
    const backing = (status.get('backing filesystem') ?? 'unknown').toLowerCase();
    return {
      storage: `${driver} on ${backing}`,
      support: backing === 'xfs' ? 'maybe' : 'no',
      countsImage: false,
    };
  }
  return { storage: driver, support: 'no', countsImage: false };
}

/** The size to ask for: what a host may write, plus the image where the cap counts it. */
export function storageSize(kind: StorageKind, limitBytes: number, imageBytes: number): string {
  const bytes = limitBytes + (kind.countsImage ? imageBytes : 0);
  return `${Math.ceil(bytes / (1024 * 1024))}M`;
}

/** The engine's words when it refuses the option: it does not cap here. */
export function refusesStorageOpt(message: string): boolean {
  return /storage-opt|storage opt|quota|not supported|StorageOpt/i.test(message);
}

const MB = 1024 * 1024;

/** One line for doctor, the server's start and the owner's page header. */
export function describeDiskCap(cap: DiskCap): string {
  if (cap.capped) return `disk: capped at ${Math.round(cap.limitBytes / MB)} MB per host (${cap.storage})`;
  return `disk: NOT capped (${cap.storage}${cap.reason ? `; ${cap.reason}` : ''}): a host may write up to the watch's limit of ${Math.round(cap.limitBytes / MB)} MB before it is stopped; to cap it, run Docker on XFS with pquota or btrfs (see README, "Capping a lab host's disk")`;
}
