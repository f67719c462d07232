export { historyEntryModel, type FieldChange, type HistoryEntry } from './history-entry.js';
export { fieldChanges, changedPaths } from './field-changes.js';
export { historyHook } from './history-hook.js';
export { resolveHistoryOptions, type CollectionHistorySettings, type HistoryOptions, type ResolvedHistory } from './history-options.js';
