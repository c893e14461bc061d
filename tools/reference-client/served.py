"""A flow served by a runner (flow.serve): runs made by `prefect deployment
run` and by its interval schedule are picked up and executed."""
import sys

from prefect import flow, task


@task
def add(a, b):
    return a + b


@flow(log_prints=True)
def greeter(name: str = "world", n: int = 1):
    print(f"hello {name} {add(n, 1)}")


if __name__ == "__main__":
    greeter.serve(name=sys.argv[1], interval=int(sys.argv[2]) if len(sys.argv) > 2 else None)
