import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { formatCidr, freeLabSubnet, parseCidr, poolProblem } from '../../server/runtime/lab-subnets.ts';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test range ${text}`);
  return parsed;
};

describe('lab network subnets', () => {
  it('parses and prints IPv4 ranges, normalised to their network address', () => {
    expect(formatCidr(cidr('10.213.0.0/16'))).toBe('10.213.0.0/16');
    expect(formatCidr(cidr('192.168.7.9/24'))).toBe('192.168.7.0/24');
    expect(parseCidr('10.213.0.0')).toBeUndefined();
    expect(parseCidr('300.1.1.1/8')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });

  it('hands out a /28 of the pool that no engine network overlaps', () => {
    const pool = cidr('10.213.0.0/16');
    const taken = [cidr('10.213.0.0/28'), cidr('10.213.0.16/28'), cidr('172.17.0.0/16')];
    const subnet = freeLabSubnet(pool, taken, () => 0);
    expect(subnet && formatCidr(subnet)).toBe('10.213.0.32/28');
  });

  it('skips a pool range that a wider network already covers', () => {
    const pool = cidr('10.213.0.0/26');
    const subnet = freeLabSubnet(pool, [cidr('10.213.0.0/27')], () => 0);
    expect(subnet && formatCidr(subnet)).toBe('10.213.0.32/28');
  });

  it('starts the search at a random place, so two processes rarely collide, and wraps around', () => {
    const pool = cidr('10.213.0.0/26');
    const subnet = freeLabSubnet(pool, [cidr('10.213.0.48/28')], () => 0.99);
    expect(subnet && formatCidr(subnet)).toBe('10.213.0.0/28');
  });

  it('says the pool is full instead of overlapping a network', () => {
    const pool = cidr('10.213.0.0/27');
    expect(freeLabSubnet(pool, [cidr('10.213.0.0/28'), cidr('10.213.0.16/28')])).toBeUndefined();
  });

  it('fills a range exactly: 256 labs in a /20, so 4096 in the default /16', () => {
    const pool = cidr('10.213.0.0/20');
    const taken = [];
    for (let i = 0; i < 256; i++) {
      const subnet = freeLabSubnet(pool, taken);
      if (!subnet) throw new Error(`pool full after ${i}`);
      taken.push(subnet);
    }
    expect(freeLabSubnet(pool, taken)).toBeUndefined();
    expect(new Set(taken.map(formatCidr)).size).toBe(256);
    expect(cidr(readConfig({}).labSubnets).prefix).toBe(16);
  });

  it('refuses a setting that is not a usable range, naming the variable', () => {
    expect(poolProblem('10.213.0.0/16')).toBeUndefined();
    expect(poolProblem('banana')).toMatch(/not an IPv4 range/);
    expect(poolProblem('10.0.0.0/30')).toMatch(/\/28/);
    expect(() => readConfig({ MAILLAB_LAB_SUBNETS: '10.0.0.0/30' })).toThrow(/MAILLAB_LAB_SUBNETS/);
  });
});
