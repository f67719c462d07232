import { defineModule, facadeFactory } from '../define-module.js';
import { shareModel } from './share.js';
import { SharingFacade } from './sharing-facade.js';

/**
 * Access: the `shares` collection and `crm.sharing` (tenancy and `crm.as` are
 * wired by `createCrm` itself, as storage middleware).
 *
 * @example
 * ```ts
 * await crm.sharing.share({ collection: 'customers', recordId: ada.id, partnerId: 'p_7' });
 * ```
 */
export const accessModule = defineModule({
  name: 'access',
  models: { shares: shareModel },
  facades: { sharing: facadeFactory((context) => new SharingFacade(context)) },
});
