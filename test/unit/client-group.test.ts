import { describe, expect, it } from 'vitest';
import { clientGroupOf } from '../../server/auth/client-group';

describe('clientGroupOf', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientGroupOf('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientGroupOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientGroupOf('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  it('puts every address of one IPv6 /64 in one group, however it is written', () => {
    const groups = ['2001:db8:1:2::1', '2001:DB8:1:2::8', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:1'].map(clientGroupOf);
    expect(new Set(groups)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('keeps neighbouring /64s apart', () => {
    expect(clientGroupOf('2001:db8:1:3::1')).not.toBe(clientGroupOf('2001:db8:1:2::1'));
  });

  it('drops a zone id and groups loopback with itself', () => {
    expect(clientGroupOf('fe80::1%eth0')).toBe('fe80::/64');
    expect(clientGroupOf('::1')).toBe('::/64');
  });

  it('answers one group for a missing address, and keeps unreadable ones apart from each other', () => {
    expect(clientGroupOf(undefined)).toBe('unknown');
    expect(clientGroupOf(null)).toBe('unknown');
    expect(clientGroupOf('not-an-address')).toBe('raw:not-an-address');
    expect(clientGroupOf('not-an-address')).not.toBe(clientGroupOf('another-one'));
  });

  it('ignores the port a proxy may forward with the address', () => {
    expect(clientGroupOf('10.62.1.1:40001')).toBe('10.62.1.1');
    expect(clientGroupOf('10.62.1.1:40001')).not.toBe(clientGroupOf('10.62.200.200:5555'));
    expect(clientGroupOf('[2001:db8:1:2::1]:443')).toBe('2001:db8:1:2::/64');
    expect(clientGroupOf('[::ffff:203.0.113.7]')).toBe('203.0.113.7');
  });
});
