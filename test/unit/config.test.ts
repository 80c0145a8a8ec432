import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';

describe('settings', () => {
  it('uses the documented defaults', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      maxLabs: 20,
      terminalGraceMs: 600_000,
      imageFlavor: 'auto',
    });
  });

  it('refuses a bad value, naming the variable and what it accepts', () => {
    expect(() => readConfig({ MAILLAB_MAX_LABS: 'abc' })).toThrow(
      'MAILLAB_MAX_LABS must be a whole number from 1 to 1000, not "abc"',
    );
    expect(() => readConfig({ MAILLAB_TERMINAL_GRACE_S: '-5' })).toThrow(
      /MAILLAB_TERMINAL_GRACE_S must be a whole number from 10/,
    );
    expect(() => readConfig({ MAILLAB_PORT: 'abc' })).toThrow(
      /MAILLAB_PORT must be a whole number from 1 to 65535, not "abc"/,
    );
    expect(() => readConfig({ MAILLAB_PORT: '8080.5' })).toThrow(/MAILLAB_PORT/);
    expect(() => readConfig({ MAILLAB_IMAGE: 'centos' })).toThrow(
      'MAILLAB_IMAGE must be auto, rhel9 or offline, not "centos"',
    );
  });

  it('keeps the classroom store beside the state unless told, and checks the public address', () => {
    const config = readConfig({ MAILLAB_STATE_DIR: '/srv/maillab' });
    expect(config).toMatchObject({
      dataDir: '/srv/maillab',
      publicUrl: undefined,
      idleLabMs: 45 * 60_000,
      idleWarnMs: 5 * 60_000,
      extendMs: 30 * 60_000,
    });
    expect(
      readConfig({ MAILLAB_DATA_DIR: '/data', MAILLAB_PUBLIC_URL: 'https://lab.example.org/' }),
    ).toMatchObject({ dataDir: '/data', publicUrl: 'https://lab.example.org' });
    expect(() => readConfig({ MAILLAB_PUBLIC_URL: 'lab.example.org' })).toThrow(
      /MAILLAB_PUBLIC_URL must be a full URL/,
    );
    expect(() => readConfig({ MAILLAB_IDLE_LAB_MIN: '0' })).toThrow(
      /MAILLAB_IDLE_LAB_MIN must be a whole number/,
    );
  });

  it('names every bad setting at once', () => {
    expect(() => readConfig({ MAILLAB_MAX_LABS: '0', MAILLAB_PORT: '70000' })).toThrow(
      /MAILLAB_PORT must be .*; MAILLAB_MAX_LABS must be/,
    );
  });
});
