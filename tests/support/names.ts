/** Names no other test run uses, so suites share the databases without colliding. */
const suffix = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

/** A username (3–32 of `[A-Za-z0-9_]`): `<prefix>_<12 hex>`. */
export const uniqueName = (prefix = "u"): string => `${prefix}_${suffix()}`;

/** A channel name (3–50 of `[A-Za-z0-9-]`): `<prefix>-<12 hex>`. */
export const uniqueChannelName = (prefix = "ch"): string => `${prefix}-${suffix()}`;
