// The PostgreSQL adapter held to the TradeStorePort contract that the engine's in-memory fake also
// passes (tests/engine/memory-store-contract.test.ts): one database per case.
import { StorePortAdapter } from '../../server/persistence/store-port-adapter.ts';
import { storePortContract } from '../engine/fakes/store-port-contract.ts';
import { openTestStore } from '../helpers/db.ts';

storePortContract('StorePortAdapter on PostgreSQL', async () => {
  const t = await openTestStore();
  return { port: new StorePortAdapter(t.store, t.orm), close: () => t.close() };
});
