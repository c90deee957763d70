import type { TmfApi } from '../common/tmf-api';
import { tmfHref } from '../common/tmf-api';
import type { HrefOf } from './product-order-mapping';

/** TMF622 Product Ordering Management v4: `/tmf-api/productOrderingManagement/v4`. */
export const PRODUCT_ORDERING: TmfApi = { name: 'productOrderingManagement', version: 'v4', title: 'TMF622 Product Ordering' };
/** TMF629, where a productOrder's customer (relatedParty) lives. */
const CUSTOMER_MANAGEMENT: TmfApi = { name: 'customerManagement', version: 'v4', title: 'TMF629 Customer Management' };

/** The absolute hrefs of one answer or event, from the base URL (tmfBaseUrl). */
export const productOrderHrefs =
  (base: string): HrefOf =>
  (resource, id) =>
    tmfHref(base, resource === 'customer' ? CUSTOMER_MANAGEMENT : PRODUCT_ORDERING, resource, id);
