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
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/${IPV6_SUBSCRIBER_BITS}`);
  return `${network.toString()}/${IPV6_SUBSCRIBER_BITS}`;
}
