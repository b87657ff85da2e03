// Runs a replay feed to its end and collects what it emitted.
import { ReplayPriceFeed } from '../../server/feeds/replay-feed.ts';

export async function replayAll(spec: string) {
  const feed = new ReplayPriceFeed(spec);
  const ticks: Array<[string, number, number]> = [];
  feed.start({ tick: (s, p, ts) => ticks.push([s, p, ts]) });
  await feed.done;
  feed.stop();
  return { ticks, stats: feed.stats };
}
