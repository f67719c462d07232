import type { CollectionsOfModules, ModelsOfModules } from './define-module.js';
import { accessModule } from './access/access-module.js';
import { automationModule } from './automation/index.js';
import { campaignsModule } from './campaigns/index.js';
import { casesModule } from './cases/index.js';
import { customerDataModule } from './customer-data/index.js';
import { dataTransferModule } from './data-transfer/index.js';
import { handoffsModule } from './handoffs/index.js';
import { pipelinesModule } from './pipelines/index.js';
import { segmentsModule } from './segments/index.js';
import { tasksModule } from './tasks/index.js';

/**
 * The modules every crm has, in order. A new built-in module is a folder under
 * `src/services/` and one line here; collection names, services and events
 * are derived from this list.
 *
 * @example
 * ```ts
 * builtinModules.map((module) => module.name); // ['customer-data', 'pipelines', 'cases', 'campaigns', 'tasks', 'segments', 'data-transfer', 'access', 'automation', 'handoffs']
 * ```
 */
export const builtinModules = [customerDataModule, pipelinesModule, casesModule, campaignsModule, tasksModule, segmentsModule, dataTransferModule, accessModule, automationModule, handoffsModule] as const;

/** The built-in modules' type. */
export type BuiltinModules = typeof builtinModules;

/**
 * Every model crmkit ships, keyed by collection name.
 *
 * @example
 * ```ts
 * models.deals.indexes; // [{ name: 'deals_pipeline_stage', … }, …]
 * ```
 */
export const models = Object.assign({}, ...builtinModules.map((module) => module.models)) as ModelsOfModules<BuiltinModules>;

/** One of the collections crmkit ships: `customers`, `deals`, …. */
export type CollectionName = CollectionsOfModules<BuiltinModules>;

/**
 * The collections crmkit ships.
 *
 * @example
 * ```ts
 * collectionNames.includes('customers'); // true
 * ```
 */
export const collectionNames = Object.keys(models) as CollectionName[];
