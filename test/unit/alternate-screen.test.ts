// Following whether a full-screen program holds the terminal, from its raw output.
import { describe, expect, it } from 'vitest';
import { AlternateScreen } from '../../server/terminal/alternate-screen.ts';

const feed = (screen: AlternateScreen, ...chunks: string[]) => {
  for (const chunk of chunks) screen.observe(Buffer.from(chunk, 'latin1'));
  return screen.active;
};

describe('alternate screen', () => {
  it('is on after vim enters it and off after it leaves', () => {
    const screen = new AlternateScreen();
    expect(feed(screen, 'plain output\r\n')).toBe(false);
    expect(feed(screen, '\x1b[?1049h\x1b[22;0;0t\x1b[H\x1b[2J~\r\n~')).toBe(true);
    expect(feed(screen, 'x'.repeat(5000))).toBe(true);
    expect(feed(screen, '\x1b[?1049l\x1b[23;0;0t$ ')).toBe(false);
  });

  it('finds a switch split across two reads', () => {
    const screen = new AlternateScreen();
    expect(feed(screen, 'less output\x1b[?10', '49h')).toBe(true);
    expect(feed(screen, 'text\x1b', '[?1049l')).toBe(false);
  });

  it('knows the older modes 47 and 1047, and takes the last switch in a read', () => {
    expect(feed(new AlternateScreen(), '\x1b[?47h')).toBe(true);
    expect(feed(new AlternateScreen(), '\x1b[?1047h')).toBe(true);
    expect(feed(new AlternateScreen(), '\x1b[?1049h...\x1b[?1049l')).toBe(false);
  });
});
