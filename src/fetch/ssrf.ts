import dns from 'node:dns';
import net from 'node:net';

/*
 * SSRF guard. Checked at connect time, after DNS resolution, on every hop, so
 * a name that resolves (or re-resolves: DNS rebinding) to a private address is
 * refused. Built on node:net's BlockList, which understands IPv4 and IPv6 CIDRs.
 */

const BLOCKED_V4 = [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local incl. cloud metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const;

const BLOCKED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const;

const blocked = new net.BlockList();
for (const [addr, bits] of BLOCKED_V4) blocked.addSubnet(addr, bits, 'ipv4');
for (const [addr, bits] of BLOCKED_V6) blocked.addSubnet(addr, bits, 'ipv6');

export class BlockedAddressError extends Error {
  readonly code = 'blocked';
  constructor(host: string, address: string) {
    super(`blocked: ${host} resolves to non-public address ${address}`);
    this.name = 'BlockedAddressError';
  }
}

/** Extracts an embedded IPv4 address from IPv4-mapped (::ffff:a.b.c.d), NAT64 or 6to4 forms. */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) {
    const hi = parseInt(sixToFour[1], 16);
    const lo = parseInt(sixToFour[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

export interface AddressPolicy {
  /** Returns true when connecting to this resolved address is allowed. */
  allows(address: string): boolean;
}

/** Public addresses only, except the CIDRs explicitly allowed (tests, the demo: 127.0.0.0/8). */
export function createAddressPolicy(allowCidrs: string[] = []): AddressPolicy {
  const allowed = new net.BlockList();
  for (const cidr of allowCidrs) {
    const [addr, bits] = cidr.split('/');
    allowed.addSubnet(addr, Number(bits), net.isIPv6(addr) ? 'ipv6' : 'ipv4');
  }
  const check = (address: string): boolean => {
    const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (allowed.check(address, family)) return true;
    if (family === 'ipv6') {
      const v4 = embeddedV4(address);
      if (v4) return check(v4);
    }
    return !blocked.check(address, family);
  };
  return { allows: check };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect that resolves the name and refuses it when
 * any resolved address is not allowed (all of them, so a mixed answer cannot
 * be used to slip through on a retry).
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => !policy.allows(a.address));
      if (bad) return callback(new BlockedAddressError(hostname, bad.address) as NodeJS.ErrnoException, '');
      if (options.all) return callback(null, list);
      const first = list[0];
      return callback(null, first.address, first.family);
    });
  };
}

/** For URLs whose host is an IP literal: connect() skips lookup for those. */
export function checkLiteralHost(hostname: string, policy: AddressPolicy): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(bare) && !policy.allows(bare)) throw new BlockedAddressError(hostname, bare);
}
