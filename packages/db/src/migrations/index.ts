import type { Migration } from "kysely";
import * as m0001 from "./0001_accounts.js";
import * as m0002 from "./0002_organizations.js";
import * as m0003 from "./0003_embedding.js";
import * as m0004 from "./0004_workspaces_and_sharing.js";
import * as m0005 from "./0005_member_list_indexes.js";
import * as m0006 from "./0006_member_search_statistics.js";
import * as m0008 from "./0008_outbox_lanes_and_retention.js";
import * as m0009 from "./0009_deployment_audit.js";
import * as m0010a from "./0010_invitation_address_statistics.js";
import * as m0010 from "./0010_outbox_wakeups.js";
import * as m0011 from "./0011_host_links_and_scoped_embeds.js";
import * as m0012 from "./0012_events.js";
import * as m0013 from "./0013_audit_filters.js";
import * as m0014 from "./0014_retry_keys_and_word_search.js";
import * as m0015 from "./0015_verified_domains.js";
import * as m0016 from "./0016_join_requests.js";
import * as m0020 from "./0020_word_search_and_running_time.js";
import * as m0022 from "./0022_sso_connections.js";
import * as m0023 from "./0023_scim_provisioning.js";
import * as m0024 from "./0024_two_factor.js";
import * as m0025 from "./0025_social_identities.js";
import * as m0026 from "./0026_sign_in_policies.js";
import * as m0027 from "./0027_sso_sessions_and_directory.js";
import * as m0028 from "./0028_outbox_wakeups_by_kind.js";

/** Every migration, in the order it runs. Names sort in that order too. */
export const migrations: Record<string, Migration> = {
  "0001_accounts": m0001,
  "0002_organizations": m0002,
  "0003_embedding": m0003,
  "0004_workspaces_and_sharing": m0004,
  "0005_member_list_indexes": m0005,
  "0006_member_search_statistics": m0006,
  "0008_outbox_lanes_and_retention": m0008,
  "0009_deployment_audit": m0009,
  "0010_invitation_address_statistics": m0010a,
  "0010_outbox_wakeups": m0010,
  "0011_host_links_and_scoped_embeds": m0011,
  "0012_events": m0012,
  "0013_audit_filters": m0013,
  "0014_retry_keys_and_word_search": m0014,
  "0015_verified_domains": m0015,
  "0016_join_requests": m0016,
  "0020_word_search_and_running_time": m0020,
  "0022_sso_connections": m0022,
  "0023_scim_provisioning": m0023,
  "0024_two_factor": m0024,
  "0025_social_identities": m0025,
  "0026_sign_in_policies": m0026,
  "0027_sso_sessions_and_directory": m0027,
  "0028_outbox_wakeups_by_kind": m0028,
};
