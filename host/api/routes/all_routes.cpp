#include "routes.h"

namespace prefectd {

void register_all_routes(Router &router) {
  register_root_routes(router);
  register_admin_routes(router);
  register_admin_storage_routes(router);
  register_csrf_routes(router);
  register_flow_routes(router);
  register_flow_run_routes(router);
  register_flow_run_input_routes(router);
  register_flow_run_graph_routes(router);
  register_task_run_routes(router);
  register_deployment_routes(router);
  register_deployment_schedule_routes(router);
  register_work_pool_routes(router);
  register_work_pool_queue_routes(router);
  register_worker_routes(router);
  register_run_state_routes(router);
  register_log_routes(router);
  register_variable_routes(router);
  register_artifact_routes(router);
  register_saved_search_routes(router);
  register_collections_routes(router);
  register_concurrency_limit_routes(router);
  register_concurrency_limit_v2_routes(router);
  register_block_type_routes(router);
  register_block_document_routes(router);
  register_block_schema_routes(router);
  register_block_capability_routes(router);
  register_event_routes(router);
}

}  // namespace prefectd
