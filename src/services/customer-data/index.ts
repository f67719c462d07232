import { customerModel, type Customer, type CustomerInput } from '../../schema/customer.js';
import { interactionModel, type Interaction, type InteractionInput } from '../../schema/interaction.js';
import { defineModule, serviceFactory, type ServiceFactory, type ServiceTypes } from '../define-module.js';
import { ModelService } from '../model-service.js';
import type { ReadonlyRecord } from '../readonly-record.js';

/** The type of `crm.customers` for the host's customer custom fields. */
export interface CustomerServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Customer<this['custom']>>, CustomerInput<this['customInput']>>;
}

/** The type of `crm.interactions` for the host's interaction custom fields. */
export interface InteractionServiceTypes extends ServiceTypes {
  readonly service: ModelService<ReadonlyRecord<Interaction<this['custom']>>, InteractionInput<this['customInput']>>;
}

const plain: ServiceFactory['create'] = (context, model, schema) => new ModelService(context, model, schema);

/**
 * The core module: people and organizations (`crm.customers`, events
 * `customer.*`) and their timeline of messages, calls, visits and purchases
 * (`crm.interactions`, events `interaction.*`).
 *
 * @example
 * ```ts
 * const crm = await createCrm({ adapter }); // customerDataModule is built in
 * await crm.customers.create({ name: 'Ada Lovelace' });
 * ```
 */
export const customerDataModule = defineModule({
  name: 'customer-data',
  models: { customers: customerModel, interactions: interactionModel },
  services: {
    customers: serviceFactory<CustomerServiceTypes>(plain),
    interactions: serviceFactory<InteractionServiceTypes>(plain),
  },
});
