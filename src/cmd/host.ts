// The host facts Prometheus logs at startup (host_details, fd_limits, vm_limits, fs_type), read
// the way Linux gives them to a process that has no getrlimit/uname bindings: os and /proc.
import { readFileSync, statfsSync } from 'node:fs';
import { hostname, machine, release, type, version } from 'node:os';

/** `(Linux 6.1.0 #1 SMP … x86_64 host (none))`: uname's fields, the domain name last, as Go's uname formats them. */
export function hostDetails(): string {
  let domain = '(none)';
  try {
    domain = readFileSync('/proc/sys/kernel/domainname', 'utf8').trim() || '(none)';
  } catch {
    /* not Linux */
  }
  return `(${type()} ${release()} ${version()} ${machine()} ${hostname()} ${domain})`;
}

/** A /proc/self/limits row as `(soft=…, hard=…)`, Prometheus's wording for unlimited included. */
function limit(row: string): string {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(row));
    const f = line?.slice(row.length).trim().split(/\s+/);
    if (!f || f.length < 2) return '(soft=unknown, hard=unknown)';
    return `(soft=${f[0]}, hard=${f[1]})`;
  } catch {
    return '(soft=unknown, hard=unknown)';
  }
}

export const fdLimits = (): string => limit('Max open files');
export const vmLimits = (): string => limit('Max address space');

/** statfs f_type magic numbers, named as Linux's magic.h names them (Prometheus logs the name). */
const FS_MAGIC: Record<number, string> = {
  0xef53: 'EXT4_SUPER_MAGIC',
  0x01021994: 'TMPFS_MAGIC',
  0x58465342: 'XFS_SUPER_MAGIC',
  0x9123683e: 'BTRFS_SUPER_MAGIC',
  0x794c7630: 'OVERLAYFS_SUPER_MAGIC',
  0x6969: 'NFS_SUPER_MAGIC',
  0x2fc12fc1: 'ZFS_SUPER_MAGIC',
  0xf2f52010: 'F2FS_SUPER_MAGIC',
  0xff534d42: 'CIFS_MAGIC_NUMBER',
  0x65735546: 'FUSE_SUPER_MAGIC',
  0x858458f6: 'RAMFS_MAGIC',
  0x4d44: 'MSDOS_SUPER_MAGIC',
  0x5346544e: 'NTFS_SB_MAGIC',
  0x1021997: 'V9FS_MAGIC',
};

/** The file system type of the data directory, or UNKNOWN_FS_TYPE as Prometheus says when it cannot tell. */
export function fsType(path: string): string {
  try {
    const t = statfsSync(path).type >>> 0;
    return FS_MAGIC[t] ?? `0x${t.toString(16).toUpperCase()}`;
  } catch {
    return 'UNKNOWN_FS_TYPE';
  }
}
