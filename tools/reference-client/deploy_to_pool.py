"""A deployment on a process work pool, for a worker to run."""
from prefect.deployments import Deployment

from served import greeter

if __name__ == "__main__":
    Deployment.build_from_flow(flow=greeter, name="pooled", work_pool_name="local-processes",
                               parameters={"name": "worker"}, apply=True)
