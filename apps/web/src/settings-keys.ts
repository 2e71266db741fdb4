/** The shared setting that holds the cloud account's secret (write-only: read back masked). */
export const CLOUD_SECRET_KEY = "cloud.secret_access_key";
