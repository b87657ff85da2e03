// The widget's receive-only Socket.IO framing (pure parts); the live path is covered in Chromium.
import { describe, expect, it } from 'vitest';
import { engineUrl, parseEvent } from '../../web/src/widget/ticker-socket.ts';

describe('widget ticker socket framing', () => {
  it('builds the websocket URL socket.io-client would use', () => {
    expect(engineUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(engineUrl('https://pb.example/some/path')).toBe('wss://pb.example/socket.io/?EIO=4&transport=websocket');
  });

  it('parses namespaced events, with or without an ack id, and ignores other namespaces', () => {
    expect(parseEvent('42/public,["ticker",{"open_trades":2}]')).toEqual(['ticker', { open_trades: 2 }]);
    expect(parseEvent('42/public,7["ticker",1]')).toEqual(['ticker', 1]);
    expect(parseEvent('42/bot,["ticker",1]')).toBeNull();
    expect(parseEvent('42["ticker",1]')).toBeNull();
  });
});
