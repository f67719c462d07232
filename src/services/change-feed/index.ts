export { ChangeFeed, type ChangesPage, type ReadChangesOptions } from './change-feed.js';
export { ChangeFeedConsumer, type ChangeBatch, type ConsumerOptions } from './change-feed-consumer.js';
export {
  changeFeedEntryModel,
  changeFeedSequenceModel,
  changeFeedConsumerModel,
  consumerLeaseSchema,
  type ChangeFeedEntry,
  type ChangeFeedConsumerState,
  type ConsumerLease,
} from './change-feed-entry.js';
export { changeFeedHook } from './change-feed-hook.js';
