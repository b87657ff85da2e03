// A test server with a connected bot socket and a /public viewer that has its first snapshot.
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from './server.ts';
import { connectBot, connected, connectPublic, Recorder } from './sockets.ts';

export interface BotAndViewer {
  server: TestServer;
  bot: Socket;
  viewer: Recorder;
  stop(): Promise<void>;
}

export async function startWithBotAndViewer(env: Record<string, string> = {}): Promise<BotAndViewer> {
  const server = await startTestServer(env);
  const bot = connectBot(server.url, server.botToken);
  await connected(bot);
  const viewer = new Recorder(connectPublic(server.url));
  await viewer.until(() => viewer.snapshots.length === 1);
  return {
    server,
    bot,
    viewer,
    async stop() {
      bot.close();
      viewer.socket.close();
      await server.stop();
    },
  };
}
