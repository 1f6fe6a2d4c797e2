import ipaddr from 'ipaddr.js';

// An IPv6 subscriber is handed a whole /64 (RFC 6177 and every ISP's practice): counting each
// address apart would give anyone on one line 2^64 fresh budgets.
const IPV6_SUBSCRIBER_BITS = 64;

/**
 * Whom a count by client address counts: an IPv4 address, the IPv4 address inside an IPv4-mapped
 * IPv6 one (the same client, reached over a dual-stack socket), or the /64 of any other IPv6
 * address. Every throttle keyed by address keys on this, so no two of them can disagree.
 */
export function clientGroupOf(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const bare = withoutPort(ip.trim());
  // never pool unreadable addresses under one key: one such client would lock out all the others
  if (!ipaddr.isValid(bare)) return `raw:${bare.slice(0, 100)}`;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/${IPV6_SUBSCRIBER_BITS}`);
  return `${network.toString()}/${IPV6_SUBSCRIBER_BITS}`;
}

// Some proxies forward `1.2.3.4:5678` or `[2001:db8::1]:443`; the port says nothing about who it is.
function withoutPort(ip: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  return v4WithPort?.[1] ?? ip;
}
