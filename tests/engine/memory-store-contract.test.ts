// The in-memory store the engine's unit tests use, held to the TradeStorePort contract (the same
// suite runs against PostgreSQL in tests/persistence/store-port-contract.test.ts).
import { MemoryTradeStore } from './fakes/memory-trade-store.ts';
import { storePortContract } from './fakes/store-port-contract.ts';

storePortContract('MemoryTradeStore', async () => ({ port: new MemoryTradeStore(), close: async () => {} }));
