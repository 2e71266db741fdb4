// pg's value conversion for the wire (pg/lib/utils.js), the one its own queries bind with.
declare module "pg/lib/utils.js" {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
