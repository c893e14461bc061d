// Each file under routes/ registers one area of the REST API.
#pragma once

namespace prefectd {

class Router;

void register_root_routes(Router &router);
void register_admin_routes(Router &router);
void register_admin_storage_routes(Router &router);
void register_csrf_routes(Router &router);
void register_flow_routes(Router &router);
void register_flow_run_routes(Router &router);
void register_flow_run_input_routes(Router &router);
void register_flow_run_graph_routes(Router &router);
void register_task_run_routes(Router &router);
void register_run_state_routes(Router &router);
void register_log_routes(Router &router);
void register_variable_routes(Router &router);
void register_artifact_routes(Router &router);
void register_saved_search_routes(Router &router);
void register_collections_routes(Router &router);
void register_concurrency_limit_routes(Router &router);
void register_concurrency_limit_v2_routes(Router &router);
void register_block_type_routes(Router &router);
void register_block_document_routes(Router &router);
void register_block_schema_routes(Router &router);
void register_block_capability_routes(Router &router);
void register_event_routes(Router &router);
void register_deployment_routes(Router &router);
void register_deployment_schedule_routes(Router &router);
void register_work_pool_routes(Router &router);
void register_work_pool_queue_routes(Router &router);
void register_worker_routes(Router &router);

// Every area, in the order Prefect's app includes its routers.
void register_all_routes(Router &router);

}  // namespace prefectd
