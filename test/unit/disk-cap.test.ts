import { describe, expect, it } from 'vitest';
import {
  describeDiskCap,
  refusesStorageOpt,
  storageKind,
  storageSize,
} from '../../server/runtime/disk-cap.ts';

const MB = 1024 * 1024;

describe("reading the engine's storage", () => {
  it('caps on btrfs and zfs whenever asked', () => {
    expect(storageKind({ Driver: 'btrfs', DriverStatus: [['Build Version', 'Btrfs v6.2']] })).toEqual({
      storage: 'btrfs',
      support: 'yes',
      countsImage: true,
    });
    expect(storageKind({ Driver: 'zfs' })).toMatchObject({ storage: 'zfs', support: 'yes' });
  });

  it('leaves overlay2 on XFS to the engine to confirm (pquota is a mount option the info does not show)', () => {
    const kind = storageKind({
      Driver: 'overlay2',
      DriverStatus: [
        ['Backing Filesystem', 'xfs'],
        ['Supports d_type', 'true'],
      ],
    });
    expect(kind).toEqual({ storage: 'overlay2 on xfs', support: 'maybe', countsImage: false });
  });

  it('does not cap overlay2 on ext4 (this machine), Podman overlay on ext4, vfs, or an unknown driver', () => {
    const docker = storageKind({
      Driver: 'overlay2',
      DriverStatus: [
        ['Backing Filesystem', 'extfs'],
        ['Supports d_type', 'true'],
        ['Native Overlay Diff', 'true'],
      ],
    });
    expect(docker).toMatchObject({ storage: 'overlay2 on extfs', support: 'no' });
    const podman = storageKind({ Driver: 'overlay', DriverStatus: [['Backing Filesystem', 'extfs']] });
    expect(podman).toMatchObject({ storage: 'overlay on extfs', support: 'no' });
    expect(storageKind({ Driver: 'vfs', DriverStatus: null })).toMatchObject({ support: 'no' });
    expect(storageKind({})).toMatchObject({ storage: 'unknown', support: 'no' });
  });
});

describe('the size a host is capped at', () => {
  it('adds the image on btrfs, whose quota counts the snapshot it starts from', () => {
    const btrfs = storageKind({ Driver: 'btrfs' });
    expect(storageSize(btrfs, 1024 * MB, 305 * MB + 12)).toBe('1330M');
  });

  it('is the limit alone where the cap counts only what the host writes', () => {
    const xfs = storageKind({ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'xfs']] });
    expect(storageSize(xfs, 1024 * MB, 305 * MB)).toBe('1024M');
  });
});

describe('an engine that refuses the cap', () => {
  it("is recognised by Docker's words for overlay without pquota, and btrfs' for a failed quota", () => {
    expect(
      refusesStorageOpt(
        "(HTTP code 500) server error - --storage-opt is supported only for overlay over xfs with 'pquota' mount option",
      ),
    ).toBe(true);
    expect(refusesStorageOpt('Failed to limit qgroup for &{}: disk quota exceeded')).toBe(true);
    expect(refusesStorageOpt('(HTTP code 404) no such image - No such image: x')).toBe(false);
  });
});

describe('what doctor, the server and the owner’s page say', () => {
  it('names the cap and the storage when capped', () => {
    expect(describeDiskCap({ capped: true, storage: 'btrfs', limitBytes: 1024 * MB })).toBe(
      'disk: capped at 1024 MB per host (btrfs)',
    );
  });

  it('says plainly when it is not capped, what stops a host then, and how to cap it', () => {
    const line = describeDiskCap({ capped: false, storage: 'overlay2 on extfs', limitBytes: 1024 * MB });
    expect(line).toMatch(/^disk: NOT capped \(overlay2 on extfs\): a host may write up to the watch's limit/);
    expect(line).toMatch(/XFS with pquota or btrfs \(see README/);
  });
});
