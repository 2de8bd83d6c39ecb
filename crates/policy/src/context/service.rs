//! Facts about services and actions that the decision depends on, from the service reference
//! in `iamwatch-catalog` (AWS Service Authorization Reference).

use iamwatch_catalog::Catalog;

/// Whether `service` (a prefix such as `s3`) is one of the services that resource control
/// policies apply to (`organizations/latest/userguide/orgs_manage_policies_rcps.html`, the list
/// of supported services).
pub(crate) fn supports_rcp(service: &str) -> bool {
    Catalog::get().supports_rcp(service)
}

/// Whether `action` (`service:name`) is known to take no resource: the service reference lists
/// no resource types for it, so it is authorized against `*` only. Unknown actions are not.
pub(crate) fn is_wildcard_only(action: &str) -> bool {
    Catalog::get()
        .action(action)
        .is_some_and(|action| action.resource_types().is_empty())
}
